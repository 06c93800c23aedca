package httpapi

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// twoFactorUser is the user whose second factor a request changes: only a
// person signed in (a session), never an API token, which anyone it was
// handed to could use to lock its person out.
func twoFactorUser(r *http.Request) (workspace.Principal, error) {
	p := Principal(r)
	if p.UserID == 0 || p.TokenKind != workspace.KindSession {
		return p, apperr.Forbidden("two-factor sign-in is changed from a signed-in session, not with an API token")
	}
	return p, nil
}

// twoFactorBody decodes a two-factor request's body.
func (s *Server) twoFactorBody(w http.ResponseWriter, r *http.Request, needCode bool) (workspace.TwoFactorInput, error) {
	var in workspace.TwoFactorInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return in, err
	}
	if in.Password == "" {
		return in, apperr.Invalid("password", "is required")
	}
	if needCode && in.Code == "" {
		return in, apperr.Invalid("code", "is required: the code of your authenticator app, or a recovery code")
	}
	in.ClientAddr = s.clientAddr(r)
	return in, nil
}

// beginTwoFactor makes a new authenticator key (a QR code to scan).
func (s *Server) beginTwoFactor(w http.ResponseWriter, r *http.Request) error {
	return twoFactorCall(s, w, r, false, s.deps.Workspaces.BeginTwoFactor)
}

// twoFactorCall answers a two-factor change made with the password (and
// a code, with needCode) by the signed-in person.
func twoFactorCall[T any](s *Server, w http.ResponseWriter, r *http.Request, needCode bool,
	fn func(ctx context.Context, workspaceID, userID int64, in workspace.TwoFactorInput) (T, error)) error {
	p, err := twoFactorUser(r)
	if err != nil {
		return err
	}
	in, err := s.twoFactorBody(w, r, needCode)
	if err != nil {
		return err
	}
	out, err := fn(r.Context(), p.WorkspaceID, p.UserID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, out)
	return nil
}

// twoFactorCode is the body of the set-up's confirmation.
type twoFactorCode struct {
	Code string `json:"code"`
}

// confirmTwoFactor turns the second factor on with the new key's first
// code, answering the recovery codes.
func (s *Server) confirmTwoFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := twoFactorUser(r)
	if err != nil {
		return err
	}
	var in twoFactorCode
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Code == "" {
		return apperr.Invalid("code", "is required: the code your authenticator app shows for the key")
	}
	codes, err := s.deps.Workspaces.ConfirmTwoFactor(r.Context(), p.WorkspaceID, p.UserID, in.Code)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, codes)
	return nil
}

// disableTwoFactor turns the second factor off.
func (s *Server) disableTwoFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := twoFactorUser(r)
	if err != nil {
		return err
	}
	in, err := s.twoFactorBody(w, r, true)
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.DisableTwoFactor(r.Context(), p.WorkspaceID, p.UserID, in); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// newRecoveryCodes replaces the recovery codes.
func (s *Server) newRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	return twoFactorCall(s, w, r, true, s.deps.Workspaces.NewRecoveryCodes)
}
