package httpapi

import (
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// sessionTTL is how long a session lasts after sign-in.
const sessionTTL = 30 * 24 * time.Hour

// endedSessions says how many sessions a request signed out.
type endedSessions struct {
	Ended int `json:"ended"`
}

// noStore marks a response that must never be cached: it holds a token or
// says who the caller is.
func noStore(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		return h(w, r)
	}
}

// sessionUser is the user whose sessions a request manages: a workspace
// token belongs to nobody.
func sessionUser(p workspace.Principal) (int64, error) {
	if p.UserID == 0 {
		return 0, apperr.BadRequest("a workspace token belongs to no user and has no sessions")
	}
	return p.UserID, nil
}

// logout ends the session the request was made with.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	if p.TokenKind != workspace.KindSession {
		return apperr.BadRequest("this request used an API token, not a session: there is nothing to sign out " +
			"(an owner revokes API tokens with DELETE /api/v1/tokens/{tokenID})")
	}
	if err := s.deps.Workspaces.EndSession(r.Context(), p.WorkspaceID, p.UserID, p.TokenID); err != nil {
		return err
	}
	s.signOutSessionDevice(r.Context(), p.WorkspaceID, p.UserID, p.TokenID)
	s.clearSessionCookie(w, r)
	noContent(w)
	return nil
}

// logoutAll signs the caller out everywhere: every session of theirs
// ends, the one of this request too. API tokens stay.
func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	user, err := sessionUser(p)
	if err != nil {
		return err
	}
	ended, err := s.deps.Workspaces.EndSessions(r.Context(), p.WorkspaceID, user, 0)
	if err != nil {
		return err
	}
	for _, id := range ended {
		s.signOutSessionDevice(r.Context(), p.WorkspaceID, user, id)
	}
	s.clearSessionCookie(w, r)
	httpjson.WriteJSON(w, http.StatusOK, endedSessions{Ended: len(ended)})
	return nil
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	user, err := sessionUser(p)
	if err != nil {
		return err
	}
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Workspaces.Sessions(r.Context(), p.WorkspaceID, user, p.TokenID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

// endSession signs one of the caller's sessions out (a lost laptop).
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	user, err := sessionUser(p)
	if err != nil {
		return err
	}
	id, err := PathID(r, "sessionID")
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.EndSession(r.Context(), p.WorkspaceID, user, id); err != nil {
		return err
	}
	s.signOutSessionDevice(r.Context(), p.WorkspaceID, user, id)
	noContent(w)
	return nil
}

// changePassword sets the caller's own password, checking the current
// one; every other session of theirs ends (the one making the change
// stays signed in).
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	user, err := sessionUser(p)
	if err != nil {
		return err
	}
	var in workspace.PasswordChange
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Current == "" {
		return apperr.Invalid("current_password", "is required")
	}
	in.ClientAddr = s.clientAddr(r)
	if p.TokenKind == workspace.KindSession {
		in.KeepSession = p.TokenID
	}
	ended, err := s.deps.Workspaces.ChangePassword(r.Context(), p.WorkspaceID, user, in)
	if err != nil {
		return err
	}
	// The ended sessions' devices go offline with them, in each
	// workspace of the account, as signing out everywhere does.
	for _, e := range ended {
		s.signOutSessionDevice(r.Context(), e.WorkspaceID, e.UserID, e.ID)
	}
	httpjson.WriteJSON(w, http.StatusOK, endedSessions{Ended: len(ended)})
	return nil
}
