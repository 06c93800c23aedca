package workspace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
	// ClientAddr is the client's address: failures are limited per
	// address too, and the session shows it. Empty skips that limit.
	ClientAddr string
	UserAgent  string
	TTL        time.Duration // how long the session lasts
}

// SignIn checks a user's password and opens a session: a token of kind
// "session" valid for in.TTL.
//
// Failed attempts are limited per email and per client address (429 with
// the time to wait); a successful one gives its tokens back, so it never
// counts. Every attempt costs exactly one key derivation of the same
// count, whether the email is known or not, the user has a password or
// not, or is deactivated: the answer's timing says nothing about which.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (User, string, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	release, err := s.limits.reserve(email, in.ClientAddr)
	if err != nil {
		return User{}, "", err
	}
	var id, workspaceID, deactivated int64
	var hash string
	err = s.db.Reader().QueryRow(ctx, `SELECT id, workspace_id, password_hash, deactivated_at FROM users WHERE email = ?`, email).
		Scan(&id, &workspaceID, &hash, &deactivated)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		release()
		return User{}, "", fmt.Errorf("workspace: sign in: %w", err)
	}
	ok, err := s.hasher.check(ctx, hash, in.Password)
	if err != nil {
		release() // no slot: the password was not checked, so the attempt does not count
		return User{}, "", err
	}
	if !ok {
		return User{}, "", ErrBadCredentials
	}
	release()
	if deactivated != 0 {
		return User{}, "", apperr.Unauthorized("this user is deactivated; an owner or manager can reactivate them")
	}
	u, err := s.GetUser(ctx, workspaceID, id)
	if err != nil {
		return User{}, "", err
	}
	_, raw, err := s.CreateToken(ctx, workspaceID, NewToken{UserID: id, Name: "session", Kind: KindSession, TTL: in.TTL,
		UserAgent: in.UserAgent, ClientAddr: in.ClientAddr})
	return u, raw, err
}
