package workspace

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// AlsoInTx is work another package does in the transaction of a change to
// a user, so both commit or neither (routing takes a deactivated user's
// conversations back in it).
type AlsoInTx func(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error

// DeactivateUser stops a user from working in the workspace while keeping
// their history: they can no longer sign in, their sessions end, their API
// tokens are refused while they stay deactivated, and also (routing) runs
// in the same transaction. The last active owner cannot be deactivated.
// Deactivating a deactivated user changes nothing.
func (s *Service) DeactivateUser(ctx context.Context, workspaceID, id int64, also AlsoInTx) (User, error) {
	var ended []int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		role, deactivated, err := userState(ctx, tx, workspaceID, id)
		if err != nil || deactivated != 0 {
			return err
		}
		if role == RoleOwner {
			if err := keepAnOwner(ctx, tx, workspaceID, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET deactivated_at = ? WHERE id = ?`, db.Millis(s.clock.Now()), id); err != nil {
			return err
		}
		if ended, err = endSessions(ctx, tx, workspaceID, id, 0); err != nil {
			return err
		}
		if also != nil {
			return also(ctx, tx, workspaceID, id)
		}
		return nil
	})
	if err != nil {
		return User{}, wrap("deactivate user", err)
	}
	s.forget(ended...)
	return s.GetUser(ctx, workspaceID, id)
}

// ReactivateUser lets a deactivated user sign in again; their API tokens
// work again too. They are offline until one of their devices is seen.
func (s *Service) ReactivateUser(ctx context.Context, workspaceID, id int64) (User, error) {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if _, _, err := userState(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE users SET deactivated_at = 0 WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return User{}, wrap("reactivate user", err)
	}
	return s.GetUser(ctx, workspaceID, id)
}

// userState reads a user's role and deactivation time inside tx.
func userState(ctx context.Context, tx *db.Tx, workspaceID, id int64) (role string, deactivated int64, err error) {
	err = tx.QueryRow(ctx, `SELECT role, deactivated_at FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&role, &deactivated)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, apperr.NotFound("user")
	}
	return role, deactivated, err
}
