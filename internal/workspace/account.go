package workspace

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Account is a person who signs in: one email and one password for every
// workspace they belong to. Their membership of each workspace is a User
// of that workspace, whose id the workspace's records refer to; a
// workspace sees only its own membership, never the others.
type Account struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// TwoFactor says a sign-in asks a code of the person's authenticator
	// app; RecoveryCodesLeft how many unused recovery codes they have.
	TwoFactor         bool `json:"two_factor"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
}

// AccountWorkspace is a workspace where an account has an active
// membership, as its person sees it: where a sign-in can lead.
type AccountWorkspace struct {
	ID     int64  `json:"id"`      // the workspace
	Name   string `json:"name"`    // the workspace's name
	Role   string `json:"role"`    // the person's role there
	UserID int64  `json:"user_id"` // the person's user (membership) there
}

// normalEmail is an email as accounts store and look it up.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// checkEmail validates a normalized email: a bare address, as a person
// types it to sign in. mail.ParseAddress alone also takes a display name,
// angle brackets, a comment or a quoted local part ("Ada <ada@x.io>"),
// which would then be stored as the account's email, so the address it
// finds must be the whole text.
func checkEmail(email string) error {
	if err := limit.Text("email", email, MaxEmailLen); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(email); err != nil || email == "" || a.Address != email {
		return apperr.Invalid("email", "is not a valid email address")
	}
	return nil
}

// memberOf is one membership of an account, deactivated or not.
type memberOf struct {
	AccountWorkspace
	deactivated bool
}

// memberships returns every membership of the account, oldest workspace
// first.
func memberships(ctx context.Context, q db.Querier, accountID int64) ([]memberOf, error) {
	rows, err := q.Query(ctx, `SELECT w.id, w.name, u.role, u.id, u.deactivated_at FROM users u JOIN workspaces w ON w.id = u.workspace_id
		WHERE u.account_id = ? ORDER BY w.id`, accountID)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(rows *sql.Rows) (memberOf, error) {
		var m memberOf
		var deactivated int64
		err := rows.Scan(&m.ID, &m.Name, &m.Role, &m.UserID, &deactivated)
		m.deactivated = deactivated != 0
		return m, err
	})
}

// active keeps the memberships that may sign in.
func active(ms []memberOf) []AccountWorkspace {
	out := []AccountWorkspace{}
	for _, m := range ms {
		if !m.deactivated {
			out = append(out, m.AccountWorkspace)
		}
	}
	return out
}

// accountOf returns the account of a user of the workspace.
func accountOf(ctx context.Context, q db.Querier, workspaceID, userID int64) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT account_id FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFound("user")
	}
	return id, err
}

// Account returns the account of a user of the workspace (the caller,
// asking about themself) and the workspaces where it is an active member.
// Only the person sees these: a workspace learns nothing of the others.
func (s *Service) Account(ctx context.Context, workspaceID, userID int64) (Account, []AccountWorkspace, error) {
	r := s.db.Reader()
	id, err := accountOf(ctx, r, workspaceID, userID)
	if err != nil {
		return Account{}, nil, wrap("account", err)
	}
	a := Account{ID: id}
	var created int64
	var totp string
	if err := r.QueryRow(ctx, `SELECT email, name, created_at, totp_secret FROM accounts WHERE id = ?`, id).Scan(&a.Email, &a.Name, &created, &totp); err != nil {
		return Account{}, nil, wrap("account", err)
	}
	if a.TwoFactor = totp != ""; a.TwoFactor {
		if a.RecoveryCodesLeft, err = s.RecoveryCodesLeft(ctx, id); err != nil {
			return Account{}, nil, wrap("account", err)
		}
	}
	a.CreatedAt = db.Time(created)
	ms, err := memberships(ctx, r, id)
	if err != nil {
		return Account{}, nil, wrap("account", err)
	}
	return a, active(ms), nil
}

// SetAccountPassword is the server's operator setting an account's
// password (the command line's "user password"): no current password is
// asked, so no workspace's API reaches it. Every session of the account
// ends, in every workspace, and they are returned.
func (s *Service) SetAccountPassword(ctx context.Context, email, password string) ([]EndedSession, error) {
	email = normalEmail(email)
	if err := checkPassword("password", password); err != nil {
		return nil, err
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var ended []EndedSession
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var account int64
		err := tx.QueryRow(ctx, `UPDATE accounts SET password_hash = ? WHERE lower(email) = ? RETURNING id`, hash, email).Scan(&account)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Invalid("email", "no account signs in with %s", email)
		}
		if err != nil {
			return err
		}
		ended, err = passwordChanged(ctx, tx, account, 0)
		return err
	})
	if err != nil {
		return nil, wrap("set account password", err)
	}
	s.forget(sessionIDs(ended)...)
	return ended, nil
}

// EndedSession is a session a password change ended: the caller signs
// out the presence device its sockets kept, in its own workspace.
type EndedSession struct {
	ID, WorkspaceID, UserID int64
}

// passwordChanged ends, inside tx, what the account's old password gave:
// every session of its memberships, in every workspace, but keep (they
// are returned), and a reset link it has pending (asked for before the
// change, it would set a password over the new one).
func passwordChanged(ctx context.Context, tx *db.Tx, accountID, keep int64) ([]EndedSession, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM password_resets WHERE account_id = ?`, accountID); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `DELETE FROM api_tokens WHERE kind = 'session' AND id <> ?
		AND user_id IN (SELECT id FROM users WHERE account_id = ?) RETURNING id, workspace_id, user_id`, keep, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ended []EndedSession
	for rows.Next() {
		var e EndedSession
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.UserID); err != nil {
			return nil, err
		}
		ended = append(ended, e)
	}
	return ended, rows.Err()
}

// sessionIDs are the ids of ended sessions (to forget their cached
// principals).
func sessionIDs(ended []EndedSession) []int64 {
	ids := make([]int64, len(ended))
	for i, e := range ended {
		ids[i] = e.ID
	}
	return ids
}
