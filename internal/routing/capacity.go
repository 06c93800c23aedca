package routing

import (
	"context"
	"database/sql"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Capacity is the most open conversations a user may be auto-assigned.
// The count is routing_agents.open_count, kept by triggers on
// conversations (migration 037) in the transaction of every change, so
// closing, merging or deleting by any path can never leave it wrong.

// openCount reads the user's open (or snoozed) assigned conversations as
// tx sees them.
func openCount(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COALESCE((SELECT open_count FROM routing_agents WHERE user_id = ?), 0)`, userID).Scan(&n)
	return n, err
}

// effectiveCapacity resolves a user's override (-1: none) against the
// workspace default; 0 means unlimited.
func effectiveCapacity(override int, st settings) int {
	if override >= 0 {
		return override
	}
	return st.capacity
}

// ensureAgent creates the user's routing row if it is missing.
func ensureAgent(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO routing_agents (user_id, workspace_id) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, workspaceID)
	return err
}

// SetCapacity sets a user's own capacity: nil returns them to the
// workspace default, 0 is unlimited. It appends user.capacity.updated,
// which drains the queues at once when capacity was raised.
func (s *Service) SetCapacity(ctx context.Context, workspaceID, userID int64, capacity *int) error {
	if capacity != nil && (*capacity < 0 || *capacity > MaxCapacity) {
		return apperr.Invalid("capacity", "must be 0 (unlimited) to %d, or null for the workspace default", MaxCapacity)
	}
	err := s.write(ctx, func(tx *db.Tx) error {
		if err := userInWorkspace(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		if err := ensureAgent(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		v := sql.NullInt64{}
		if capacity != nil {
			v = sql.NullInt64{Int64: int64(*capacity), Valid: true}
		}
		if _, err := tx.Exec(ctx, `UPDATE routing_agents SET capacity = ? WHERE user_id = ?`, v, userID); err != nil {
			return err
		}
		_, err := event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.UserCapacityUpdated,
			Payload: map[string]any{"user_id": userID, "capacity": capacity}})
		return err
	})
	return wrap("set capacity", err)
}

func userInWorkspace(ctx context.Context, q db.Querier, workspaceID, userID int64) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("user")
	}
	return nil
}
