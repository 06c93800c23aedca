package report

import (
	"context"
	"fmt"
	"slices"
)

// AgentNow is one person's availability and load right now.
type AgentNow struct {
	UserID       int64  `json:"user_id"`
	Availability string `json:"availability"` // online, busy or offline
	Open         int    `json:"open"`         // open conversations assigned to them
	Capacity     int    `json:"capacity"`     // 0: unlimited
}

// QueueNow is one non-empty queue right now.
type QueueNow struct {
	TeamID       int64 `json:"team_id"`           // 0: the workspace's queue
	UserID       int64 `json:"user_id,omitempty"` // waiting for this person
	Length       int   `json:"length"`
	OldestWaitMs int64 `json:"oldest_wait_ms"`
}

// NowSource is what routing knows of presence; the Now report reads it
// live.
type NowSource interface {
	Agents(ctx context.Context, workspaceID int64) ([]AgentNow, error)
}

// Now is the live state of the workspace.
type Now struct {
	// Open counts open (and snoozed) conversations; Unassigned those of
	// them without an assignee.
	Open       int64 `json:"open"`
	Unassigned int64 `json:"unassigned"`
	// Waiting counts the conversations waiting in queues; LongestWaitMs
	// is the longest wait among them.
	Waiting       int64      `json:"waiting"`
	LongestWaitMs int64      `json:"longest_wait_ms"`
	Queues        []QueueNow `json:"queues"`
	Online        int        `json:"online"`
	Busy          int        `json:"busy"`
	Offline       int        `json:"offline"`
	Agents        []AgentNow `json:"agents"` // online first, then busy, then offline; by load
}

// Now answers the Now report from the conversations, routing's queues
// and src.
func (s *Service) Now(ctx context.Context, workspaceID int64, src NowSource) (Now, error) {
	n := Now{Queues: []QueueNow{}, Agents: []AgentNow{}}
	q := s.db.Reader()
	if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM conversations WHERE workspace_id = ? AND status <> 'closed' AND is_test = 0`, workspaceID).Scan(&n.Open, &n.Unassigned); err != nil {
		return n, fmt.Errorf("report: now: %w", err)
	}
	// The queues are read here rather than from routing's view of them:
	// a test chat's conversation waits in a queue like any other (its
	// workflow's Assign step), and routing counts it, but test
	// conversations are left out of every figure, the waits included.
	rows, err := q.Query(ctx, `SELECT r.team_id, r.user_id, COUNT(*), MIN(r.enqueued_at) FROM routing_queue r
		JOIN conversations c ON c.id = r.conversation_id WHERE r.workspace_id = ? AND c.is_test = 0
		GROUP BY r.team_id, r.user_id ORDER BY r.team_id, r.user_id`, workspaceID)
	if err != nil {
		return n, fmt.Errorf("report: now queues: %w", err)
	}
	now := s.db.Now()
	for rows.Next() {
		var qn QueueNow
		var oldest int64
		if err := rows.Scan(&qn.TeamID, &qn.UserID, &qn.Length, &oldest); err != nil {
			rows.Close()
			return n, fmt.Errorf("report: now queues: %w", err)
		}
		qn.OldestWaitMs = max(now-oldest, 0)
		n.Waiting += int64(qn.Length)
		n.LongestWaitMs = max(n.LongestWaitMs, qn.OldestWaitMs)
		n.Queues = append(n.Queues, qn)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("report: now queues: %w", err)
	}
	if src == nil {
		return n, nil
	}
	agents, err := src.Agents(ctx, workspaceID)
	if err != nil {
		return n, err
	}
	// Routing counts every open conversation an agent holds, a test
	// chat's too (capacity is capacity); their figure here leaves the
	// test ones out, as Open does.
	tests := map[int64]int{}
	rows, err = q.Query(ctx, `SELECT assignee_id, COUNT(*) FROM conversations WHERE workspace_id = ? AND status <> 'closed' AND is_test = 1
		AND assignee_id IS NOT NULL GROUP BY assignee_id`, workspaceID)
	if err != nil {
		return n, fmt.Errorf("report: now test conversations: %w", err)
	}
	for rows.Next() {
		var user int64
		var k int
		if err := rows.Scan(&user, &k); err != nil {
			rows.Close()
			return n, fmt.Errorf("report: now test conversations: %w", err)
		}
		tests[user] = k
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("report: now test conversations: %w", err)
	}
	for i := range agents {
		agents[i].Open = max(agents[i].Open-tests[agents[i].UserID], 0)
	}
	rank := map[string]int{"online": 0, "busy": 1, "offline": 2}
	for _, a := range agents {
		switch a.Availability {
		case "online":
			n.Online++
		case "busy":
			n.Busy++
		default:
			n.Offline++
		}
		n.Agents = append(n.Agents, a)
	}
	slices.SortStableFunc(n.Agents, func(a, b AgentNow) int {
		if rank[a.Availability] != rank[b.Availability] {
			return rank[a.Availability] - rank[b.Availability]
		}
		if a.Open != b.Open {
			return b.Open - a.Open
		}
		return int(a.UserID - b.UserID)
	})
	return n, nil
}
