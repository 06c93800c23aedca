package workspace

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Session is a signed-in client of a user: a token of kind "session".
type Session struct {
	ID         int64     `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	// Current marks the session the request was made with.
	Current    bool   `json:"current"`
	UserAgent  string `json:"user_agent,omitempty"`
	ClientAddr string `json:"client_addr,omitempty"`
}

// Sessions returns the user's sessions that have not expired, oldest
// first; current is the token of the request (marked Current).
func (s *Service) Sessions(ctx context.Context, workspaceID, userID, current int64, req page.Request) (page.Page[Session], error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT id, created_at, last_used_at, expires_at, user_agent, client_addr FROM api_tokens
		WHERE workspace_id = ? AND user_id = ? AND kind = 'session' AND (expires_at = 0 OR expires_at > ?) AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID, userID, db.Millis(s.clock.Now())}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Session]{}, wrap("sessions", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Session, error) {
		var x Session
		var c, l, e int64
		err := rows.Scan(&x.ID, &c, &l, &e, &x.UserAgent, &x.ClientAddr)
		x.CreatedAt, x.LastUsedAt, x.ExpiresAt, x.Current = db.Time(c), db.Time(l), db.Time(e), x.ID == current
		return x, err
	})
	return page.CutByID(list, req.Limit, func(x Session) int64 { return x.ID }), err
}

// EndSession signs one of the user's sessions out: requests using it fail
// from then on. Anything but a session of this user is not found.
func (s *Service) EndSession(ctx context.Context, workspaceID, userID, sessionID int64) error {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM api_tokens WHERE workspace_id = ? AND user_id = ? AND id = ? AND kind = 'session'`,
			workspaceID, userID, sessionID)
		if err != nil {
			return err
		}
		return db.Affected(res, "session")
	})
	if err != nil {
		return wrap("end session", err)
	}
	s.forget(sessionID)
	return nil
}

// EndSessions signs the user out everywhere: every session ends but keep
// (0 keeps none). API tokens stay. It returns the ids of those that ended.
func (s *Service) EndSessions(ctx context.Context, workspaceID, userID, keep int64) ([]int64, error) {
	var ended []int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		ended, err = endSessions(ctx, tx, workspaceID, userID, keep)
		return err
	})
	if err != nil {
		return nil, wrap("end sessions", err)
	}
	s.forget(ended...)
	return ended, nil
}

// endSessions deletes the user's sessions but keep inside tx and returns
// their ids.
func endSessions(ctx context.Context, tx *db.Tx, workspaceID, userID, keep int64) ([]int64, error) {
	return db.QueryIDs(ctx, tx, `DELETE FROM api_tokens WHERE workspace_id = ? AND user_id = ? AND kind = 'session' AND id <> ? RETURNING id`,
		workspaceID, userID, keep)
}

// PasswordChange is a user changing their own password.
type PasswordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
	// KeepSession is the session making the change, which stays signed
	// in (0: none, e.g. the change came through an API token).
	KeepSession int64 `json:"-"`
	// ClientAddr counts a wrong current password against the address's
	// sign-in limit, like a failed sign-in.
	ClientAddr string `json:"-"`
}

// ChangePassword sets a user's own password after checking the current
// one: the password of their account, so it changes in every workspace
// they work in. Every other session of theirs ends, in every workspace:
// whoever may have learnt the old password is signed out. It returns the
// sessions it ended. A wrong current password counts as a failed
// sign-in for the limits.
func (s *Service) ChangePassword(ctx context.Context, workspaceID, userID int64, in PasswordChange) ([]EndedSession, error) {
	if err := checkPassword("new_password", in.New); err != nil {
		return nil, err
	}
	a, err := s.checkOwnPassword(ctx, workspaceID, userID, "current_password", in.Current, in.ClientAddr)
	if err != nil {
		return nil, err
	}
	a.release()
	account, hash := a.id, a.hash
	newHash, err := s.hasher.hash(ctx, in.New)
	if err != nil {
		return nil, err
	}
	var ended []EndedSession
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		// The hash read above must still be the account's: two changes at
		// once cannot both pass with the same old password.
		res, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, account, hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = apperr.Conflict("the password changed meanwhile; sign in again")
			}
			return err
		}
		ended, err = passwordChanged(ctx, tx, account, in.KeepSession)
		return err
	})
	if err != nil {
		return nil, wrap("change password", err)
	}
	s.forget(sessionIDs(ended)...)
	return ended, nil
}
