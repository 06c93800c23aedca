package routing

import (
	"context"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// The presence timer turns users offline when none of their devices was
// seen for the workspace's inactivity timeout, and reassigns an offline
// agent's conversations once the grace period has passed. It sleeps until
// the earliest such moment (no polling interval) and is woken early by
// announcements, sign-outs and settings changes, which can move that
// moment earlier. A heartbeat that announces nothing (steadyBeat) only
// moves an agent's expiry later, so it does not wake it: the timer wakes
// at the earlier moment and reads the agents again. Several nodes may run it: each change re-checks its condition in
// its own transaction. It is a kind of the node's timed work (internal/due,
// registered in New), with tick as its pass.

// tick processes every expiry and reassignment that is due and returns
// when the next one falls due (zero: none pending).
func (s *Service) tick(ctx context.Context) (time.Time, error) {
	now := s.nowMs()
	if err := s.expire(ctx, now); err != nil {
		return time.Time{}, err
	}
	if err := s.reassignDue(ctx, now); err != nil {
		return time.Time{}, err
	}
	var expiry, reassign int64
	q := s.db.Reader()
	if err := q.QueryRow(ctx, `SELECT COALESCE(MIN(a.last_seen_at + COALESCE(s.inactivity_timeout_ms, 300000)), 0)
		FROM routing_agents a LEFT JOIN routing_settings s ON s.workspace_id = a.workspace_id
		WHERE a.presence <> 'offline'`).Scan(&expiry); err != nil {
		return time.Time{}, wrap("next expiry", err)
	}
	if err := q.QueryRow(ctx, `SELECT COALESCE(MIN(a.offline_since + s.reassign_grace_ms), 0)
		FROM routing_agents a JOIN routing_settings s ON s.workspace_id = a.workspace_id
		WHERE a.presence = 'offline' AND a.reassign_pending = 1 AND s.reassign_grace_ms >= 0`).Scan(&reassign); err != nil {
		return time.Time{}, wrap("next reassignment", err)
	}
	next := expiry
	if next == 0 || (reassign != 0 && reassign < next) {
		next = reassign
	}
	return db.Time(next), nil
}

// presenceBacklog counts the users overdue to be announced offline and
// the agents overdue for reassignment, with the oldest due time.
const presenceBacklog = `SELECT COUNT(*), COALESCE(MIN(due), 0) FROM (
	SELECT a.last_seen_at + COALESCE(s.inactivity_timeout_ms, 300000) AS due FROM routing_agents a
		LEFT JOIN routing_settings s ON s.workspace_id = a.workspace_id
		WHERE a.presence <> 'offline' AND a.last_seen_at + COALESCE(s.inactivity_timeout_ms, 300000) <= ?
	UNION ALL
	SELECT a.offline_since + s.reassign_grace_ms FROM routing_agents a JOIN routing_settings s ON s.workspace_id = a.workspace_id
		WHERE a.presence = 'offline' AND a.reassign_pending = 1 AND s.reassign_grace_ms >= 0 AND a.offline_since + s.reassign_grace_ms <= ?) overdue`

// expire announces offline every user whose newest heartbeat is older
// than their workspace's timeout.
func (s *Service) expire(ctx context.Context, now int64) error {
	due, err := s.dueAgents(ctx, `SELECT a.user_id, a.workspace_id FROM routing_agents a
		LEFT JOIN routing_settings s ON s.workspace_id = a.workspace_id
		WHERE a.presence <> 'offline' AND a.last_seen_at + COALESCE(s.inactivity_timeout_ms, 300000) <= ? LIMIT 500`, now)
	if err != nil || len(due) == 0 {
		return wrap("expire", err)
	}
	ids := make([]int64, len(due))
	for i, a := range due {
		ids[i] = a.userID
	}
	// Beside other writes, holding the agents' rows (see announce): after
	// a node's crash its agents all expire at once, and through the
	// exclusive door each expiry held back every node's writes.
	return wrap("expire", s.writeConcurrent(db.WithRows(ctx, "routing_agents", ids...), func(tx *db.Tx) error {
		for _, a := range due {
			if err := s.announce(ctx, tx, a.workspaceID, a.userID, now, "inactivity"); err != nil {
				return err
			}
		}
		return nil
	}))
}

type agentRef struct{ userID, workspaceID int64 }

func (s *Service) dueAgents(ctx context.Context, query string, now int64) ([]agentRef, error) {
	rows, err := s.db.Reader().Query(ctx, query, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []agentRef
	for rows.Next() {
		var a agentRef
		if err := rows.Scan(&a.userID, &a.workspaceID); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
