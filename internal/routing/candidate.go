package routing

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// skipDeactivated is why a deactivated user is passed over.
const skipDeactivated = "deactivated"

// KindAIAgent is the users.kind of an AI agent member (internal/aiagent).
const KindAIAgent = "ai_agent"

// Availabilities of a user.
const (
	Online  = "online"
	Busy    = "busy"
	Offline = "offline"
)

// candidate is a user as one claim transaction sees them.
type candidate struct {
	id           int64
	status       string // chosen: online or busy
	lastSeen     int64  // newest heartbeat of any device
	lastAssigned int64
	capacity     int // effective; 0 unlimited
	open         int
	hasRow       bool // routing_agents has their row (a claim need not create it)
	deactivated  bool // the user may not work: never chosen, by hand or by strategy
	aiAgent      bool // an AI agent member: always available, no capacity
}

// availability is online or busy while a device was seen within the
// timeout, offline otherwise. It is computed from the heartbeat itself,
// not from the announced presence, so an agent whose expiry the timer has
// not processed yet is already offline to the router.
func (c candidate) availability(now int64, st settings) string {
	if c.lastSeen == 0 || now-c.lastSeen >= st.timeoutMs {
		return Offline
	}
	return c.status
}

// open is routing_agents.open_count, kept by triggers (migration 037) in
// the transaction of every change to a conversation's assignee or status:
// one row read instead of counting the agent's conversations.
const candidateColumns = `SELECT u.id, u.status, COALESCE(a.last_seen_at, 0), COALESCE(a.last_assigned_at, 0), COALESCE(a.capacity, -1),
	CASE WHEN a.user_id IS NULL THEN 0 ELSE 1 END, u.deactivated_at, u.kind, COALESCE(a.open_count, 0) `

// Three fixed queries rather than one built per call: SQLite keeps each
// prepared on the writer. A team's or the workspace's pool holds people
// only: an AI agent takes a conversation only when a request names it, so
// human queues never drain into it.
const (
	// From the team's members, in the order of their primary key: on
	// SQLite a probe of users by id for each, where filtering the
	// workspace's users by membership probed users' workspace index and
	// then the row (17 against 15 µs for a team of five).
	candidatesOfTeam = candidateColumns + `FROM team_members m JOIN users u ON u.id = m.user_id LEFT JOIN routing_agents a ON a.user_id = u.id
		WHERE m.team_id = ? AND u.workspace_id = ? AND u.kind = 'human' ORDER BY m.user_id`
	candidatesOfWorkspace = candidateColumns + `FROM users u LEFT JOIN routing_agents a ON a.user_id = u.id WHERE u.workspace_id = ? AND u.kind = 'human' ORDER BY u.id`
	candidateUser         = candidateColumns + `FROM users u LEFT JOIN routing_agents a ON a.user_id = u.id WHERE u.workspace_id = ? AND u.id = ?`
)

// loadCandidates returns the users a request may choose from, in id
// order: the team's members, the workspace's users (team 0), or one user.
func loadCandidates(ctx context.Context, q db.Querier, j job, st settings, now int64) ([]candidate, error) {
	query, args := candidatesOfWorkspace, []any{j.workspaceID}
	switch {
	case j.userID != 0:
		query, args = candidateUser, append(args, j.userID)
	case j.teamID != 0:
		query, args = candidatesOfTeam, []any{j.teamID, j.workspaceID}
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	defer rows.Close()
	out := make([]candidate, 0, 8)
	for rows.Next() {
		var c candidate
		var override, hasRow int
		var deactivated int64
		var kind string
		if err := rows.Scan(&c.id, &c.status, &c.lastSeen, &c.lastAssigned, &override, &hasRow, &deactivated, &kind, &c.open); err != nil {
			return nil, fmt.Errorf("candidates: %w", err)
		}
		c.capacity, c.hasRow, c.deactivated = effectiveCapacity(override, st), hasRow == 1, deactivated != 0
		if kind == KindAIAgent {
			// An AI agent has no device and answers any number of
			// conversations: always online, never at capacity.
			c.aiAgent, c.status, c.lastSeen, c.capacity = true, Online, now, 0
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// filter says why c cannot take the conversation of j, or "" if they can.
// A deactivated user takes nothing; busy users take no new automatic
// assignments; a forced manual assignment skips only the capacity limits.
func (j job) filter(c candidate, now int64, st settings) string {
	if c.deactivated {
		return skipDeactivated
	}
	avail := c.availability(now, st)
	if j.auto && c.status == Busy {
		return "busy"
	}
	if j.onlyOnline && avail != Online {
		if avail == Offline && c.lastSeen > 0 {
			return "offline (no heartbeat for the inactivity timeout)"
		}
		return "not online (" + avail + ")"
	}
	if j.force {
		return ""
	}
	if others := c.open - j.holds(c); c.capacity > 0 && others >= c.capacity {
		return fmt.Sprintf("at capacity (%d/%d open)", c.open, c.capacity)
	}
	if others := c.open - j.holds(c); j.maxOpen > 0 && others >= j.maxOpen && !c.aiAgent {
		return fmt.Sprintf("has %d open, the limit is below %d", c.open, j.maxOpen)
	}
	return ""
}

// holds is 1 if c is already the assignee of j's conversation, else 0:
// their open count includes it, and keeping it takes no new slot, so
// capacity and max_open are checked against their other conversations.
func (j job) holds(c candidate) int {
	if j.before.AssigneeID != 0 && j.before.AssigneeID == c.id {
		return 1
	}
	return 0
}
