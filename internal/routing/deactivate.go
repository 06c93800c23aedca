package routing

import (
	"context"
	"database/sql"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// DeactivatedTx takes a deactivated user out of routing inside tx, the
// transaction that deactivates them (workspace.DeactivateUser runs it), so
// either both happen or neither:
//   - their devices are forgotten and they are announced offline
//     (user.presence.updated, cause "deactivated");
//   - their open and snoozed conversations are unassigned and queued
//     again, as after the offline grace period (requeueAssigned), each with
//     a conversation.unassigned event that drains the queues;
//   - conversations waiting for them alone move to their team's queue, or
//     the workspace's, which is drained at once.
//
// From then on no candidate list offers them (filter) and assigning them
// by name is a conflict.
func (s *Service) DeactivatedTx(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error {
	now := s.nowMs()
	a := agentRef{userID: userID, workspaceID: workspaceID}
	if err := ensureAgent(ctx, tx, workspaceID, userID); err != nil {
		return wrap("deactivate", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM routing_devices WHERE user_id = ?`, userID); err != nil {
		return wrap("deactivate", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE routing_agents SET last_seen_at = 0 WHERE user_id = ?`, userID); err != nil {
		return wrap("deactivate", err)
	}
	if err := s.announce(ctx, tx, workspaceID, userID, now, "deactivated"); err != nil {
		return wrap("deactivate", err)
	}
	// The grace period is for agents who may come back; this one is taken
	// back now.
	if _, err := tx.Exec(ctx, `UPDATE routing_agents SET reassign_pending = 0 WHERE user_id = ?`, userID); err != nil {
		return wrap("deactivate", err)
	}
	if err := requeueAssigned(ctx, tx, a, now, "the agent was deactivated", true); err != nil {
		return wrap("deactivate", err)
	}
	if err := s.retargetWaiting(ctx, tx, a, now); err != nil {
		return wrap("deactivate", err)
	}
	tx.Due(duePresence, now) // the next expiry may have moved
	return nil
}

// retargetWaiting moves the conversations that wait for the user alone
// (target user or previous) to their team's queue, or the workspace's, and
// drains those queues: the user will never take them.
func (s *Service) retargetWaiting(ctx context.Context, tx *db.Tx, a agentRef, now int64) error {
	rows, err := tx.Query(ctx, `SELECT q.conversation_id, COALESCE(c.team_id, 0) FROM routing_queue q
		JOIN conversations c ON c.id = q.conversation_id WHERE q.user_id = ? ORDER BY q.id`, a.userID)
	if err != nil {
		return err
	}
	type waiting struct{ conversationID, team int64 }
	list, err := db.Collect(rows, func(rows *sql.Rows) (waiting, error) {
		var w waiting
		err := rows.Scan(&w.conversationID, &w.team)
		return w, err
	})
	if err != nil || len(list) == 0 {
		return err
	}
	st, err := loadSettings(ctx, tx, a.workspaceID)
	if err != nil {
		return err
	}
	var keys []queueKey
	for _, w := range list {
		j := requeueJob(a.workspaceID, w.conversationID, w.team, st)
		if _, err := enqueue(ctx, tx, j, now); err != nil {
			return err
		}
		if !slices.Contains(keys, j.key()) {
			keys = append(keys, j.key())
		}
	}
	for _, k := range keys {
		if _, _, err := s.drainTx(ctx, tx, k, st, now, false); err != nil {
			return err
		}
	}
	return nil
}
