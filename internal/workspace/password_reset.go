package workspace

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// PasswordResetTTL is how long a password-reset link works.
const PasswordResetTTL = time.Hour

// The answers to a reset link that does not work, each with a code of its
// own so that the page the person opens can say what to do.
var (
	ErrPasswordResetInvalid = apperr.WithCode(apperr.KindNotFound, "password_reset_invalid",
		"this password-reset link does not work: it was used already, a newer one replaced it, or it was not copied whole; ask for a new one")
	ErrPasswordResetExpired = apperr.WithCode(apperr.KindNotFound, "password_reset_expired",
		"this password-reset link has expired (a link works for one hour); ask for a new one")
)

// PasswordReset is a new password-reset link of an account: whom to mail
// it to, and its token, shown this once (only its SHA-256 is stored).
type PasswordReset struct {
	Email     string
	Name      string
	Token     string
	ExpiresAt time.Time
}

// LimitPasswordReset counts a request for a reset link against the
// email's and the client address's allowances (429 past either). Every
// request counts, whether the email has an account or not: the answer
// says nothing about which. An empty address skips its limit.
func (s *Service) LimitPasswordReset(email, clientAddr string) error {
	_, err := s.resets.reserve(normalEmail(email), clientAddr)
	return err
}

// StartPasswordReset makes a reset link for the account that signs in
// with email, when there is one with a password (an account without one
// acts only through API tokens: there is nothing to reset). A new link
// replaces the account's older one, which stops working. ok is false
// when there is no such account; nothing is written then.
func (s *Service) StartPasswordReset(ctx context.Context, email string) (reset PasswordReset, ok bool, err error) {
	email = normalEmail(email)
	b := make([]byte, 32)
	rand.Read(b)
	raw := "pwr_" + base64.RawURLEncoding.EncodeToString(b)
	now := s.nowMs()
	reset = PasswordReset{Token: raw, ExpiresAt: db.Time(now + PasswordResetTTL.Milliseconds())}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var account int64
		err := tx.QueryRow(ctx, `SELECT id, email, name FROM accounts WHERE lower(email) = ? AND password_hash <> ''`, email).
			Scan(&account, &reset.Email, &reset.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		_, err = tx.Exec(ctx, `INSERT INTO password_resets (account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
			account, hashToken(raw), now, db.Millis(reset.ExpiresAt))
		return err
	})
	if err != nil || !ok {
		return PasswordReset{}, false, wrap("start password reset", err)
	}
	return reset, true, nil
}

// ResetPassword sets the password of a reset link's account: once, within
// PasswordResetTTL, and only with the account's latest link. Every
// session of the account ends, in every workspace, as when the operator
// sets a password, and they are returned: the caller signs their devices
// out.
func (s *Service) ResetPassword(ctx context.Context, token, password string) ([]EndedSession, error) {
	if !strings.HasPrefix(token, "pwr_") || len(token) > 100 {
		return nil, ErrPasswordResetInvalid
	}
	if err := checkPassword("password", password); err != nil {
		return nil, err
	}
	// A link that does not work is told before the password is hashed,
	// which costs a third of a second of CPU.
	var expires int64
	err := s.db.Reader().QueryRow(ctx, `SELECT expires_at FROM password_resets WHERE token_hash = ?`, hashToken(token)).Scan(&expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrPasswordResetInvalid
	case err != nil:
		return nil, wrap("reset password", err)
	case expires <= s.nowMs():
		return nil, ErrPasswordResetExpired
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var ended []EndedSession
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		// Deleting the row is the claim: of two uses at once, one finds
		// it gone.
		var account int64
		err := tx.QueryRow(ctx, `DELETE FROM password_resets WHERE token_hash = ? AND expires_at > ? RETURNING account_id`,
			hashToken(token), s.nowMs()).Scan(&account)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrPasswordResetInvalid
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ?`, hash, account); err != nil {
			return err
		}
		ended, err = passwordChanged(ctx, tx, account, 0)
		return err
	})
	if err != nil {
		return nil, wrap("reset password", err)
	}
	s.forget(sessionIDs(ended)...)
	return ended, nil
}
