package workspace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// ErrBadCredentials is returned by SignIn for an unknown email or a wrong
// password; the two are not told apart.
var ErrBadCredentials = apperr.Unauthorized("wrong email or password")

// SignInInput is an attempt to sign in, and the client making it.
type SignInInput struct {
	Email    string
	Password string
	// Code is the second factor of an account that has one: its
	// authenticator's code of the moment or a recovery code.
	Code string
	// WorkspaceID chooses the workspace to sign in to; zero lets the
	// account's only active membership be it.
	WorkspaceID int64
	// ClientAddr is the client's address: failures are limited per
	// address too, and the session shows it. Empty skips that limit.
	ClientAddr string
	UserAgent  string
	TTL        time.Duration // how long the session lasts
}

// SignedIn is the outcome of a right password: a session for one
// membership (User and Token), or, when the person works in several
// workspaces and did not say which, those workspaces and no session: the
// client asks again with one of them.
type SignedIn struct {
	User       User
	Token      string
	Workspaces []AccountWorkspace
}

// SignIn checks an account's password and opens a session of one of its
// memberships: a token of kind "session" valid for in.TTL, which acts in
// that workspace only.
//
// Failed attempts are limited per email and per client address (429 with
// the time to wait); a successful one gives its tokens back, so it never
// counts. Every attempt costs exactly one key derivation of the same
// count, whether the email is known or not, the account has a password or
// not, or is deactivated: the answer's timing says nothing about which.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (SignedIn, error) {
	email := normalEmail(in.Email)
	release, err := s.limits.reserve(email, in.ClientAddr)
	if err != nil {
		return SignedIn{}, err
	}
	var account, lastStep int64
	var hash, totp string
	err = s.db.Reader().QueryRow(ctx, `SELECT id, password_hash, totp_secret, totp_last_step FROM accounts WHERE lower(email) = ?`, email).
		Scan(&account, &hash, &totp, &lastStep)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		release()
		return SignedIn{}, fmt.Errorf("workspace: sign in: %w", err)
	}
	ok, err := s.hasher.check(ctx, hash, in.Password)
	if err != nil {
		release() // no slot: the password was not checked, so the attempt does not count
		return SignedIn{}, err
	}
	if !ok {
		return SignedIn{}, ErrBadCredentials
	}
	ms, err := memberships(ctx, s.db.Reader(), account)
	if err != nil {
		release()
		return SignedIn{}, fmt.Errorf("workspace: sign in: %w", err)
	}
	m, err := chooseMembership(ms, in.WorkspaceID)
	if err != nil {
		release()
		return SignedIn{}, err
	}
	// Spent only by the request that opens a session: the list of
	// workspaces to choose from is followed by one with the same code.
	if err := s.signInCode(ctx, account, totp, lastStep, in.Code, m != nil); err != nil {
		if err != errTwoFactorInvalid { // a wrong code counts, as a wrong password does
			release()
		}
		return SignedIn{}, err
	}
	release()
	if m == nil {
		return SignedIn{Workspaces: active(ms)}, nil
	}
	u, err := s.GetUser(ctx, m.ID, m.UserID)
	if err != nil {
		return SignedIn{}, err
	}
	_, raw, err := s.CreateToken(ctx, m.ID, NewToken{UserID: m.UserID, Name: "session", Kind: KindSession, TTL: in.TTL,
		UserAgent: in.UserAgent, ClientAddr: in.ClientAddr, account: account, passwordHash: hash})
	return SignedIn{User: u, Token: raw}, err
}

// errDeactivated refuses a sign-in to a membership an owner or manager
// deactivated. It has a code of its own so that a client (the web app's
// sign-in form) can tell the person so, rather than that their password
// is wrong.
var errDeactivated = apperr.WithCode(apperr.KindUnauthorized, "user_deactivated",
	"this user is deactivated; an owner or manager can reactivate them")

// chooseMembership picks the membership a sign-in opens: the workspace
// asked for, else the only active one. Nil means the person has several
// and must choose.
func chooseMembership(ms []memberOf, workspaceID int64) (*memberOf, error) {
	if workspaceID != 0 {
		for i := range ms {
			if ms[i].ID != workspaceID {
				continue
			}
			if ms[i].deactivated {
				return nil, errDeactivated
			}
			return &ms[i], nil
		}
		return nil, apperr.NotFound("workspace")
	}
	var found *memberOf
	n := 0
	for i := range ms {
		if !ms[i].deactivated {
			found = &ms[i]
			n++
		}
	}
	switch {
	case n == 1:
		return found, nil
	case n > 1:
		return nil, nil
	case len(ms) > 0:
		return nil, errDeactivated
	}
	// An account without memberships is deleted with its last one; should
	// one remain, it opens nothing.
	return nil, ErrBadCredentials
}
