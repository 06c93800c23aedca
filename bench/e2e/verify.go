package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// verdict is what the stopped server's store says about the run.
type verdict struct {
	InboundStored    int64 // the contacts' messages in the store
	InboundDupes     int64 // provider ids stored more than once
	RepliesStored    int64 // messages sent by agents
	OutboundStored   int64 // messages to contacts: the workflow's and the agents'
	OutboundUnsent   int64 // of those, not sent (pending or failed)
	Conversations    int64
	TwoOpen          int64 // contacts with more than one open (or snoozed) conversation
	ClosedResolved   int64 // closed with the category and a summary
	MaxOpenPerAgent  int64 // the most conversations any bench agent held at once, replayed from the event log
	OverCapacity     int64 // assignments that took an agent above its capacity
	AssignmentEvents int64
	Problems         []string
}

// OK says whether every check passed.
func (v verdict) OK() bool { return len(v.Problems) == 0 }

// verify opens the stopped server's SQLite file read-only and checks the
// run's invariants against what the benchmark saw: every acknowledged
// message stored once, at most one open conversation per contact, and no
// agent ever above its capacity.
func verify(ctx context.Context, dir string, agentIDs map[int64]bool, capacity int, acked, received, replies, closed int64) (verdict, error) {
	var v verdict
	st, err := harness.OpenStore(dir, "")
	if err != nil {
		return v, err
	}
	defer st.Close()
	one := func(q string, dst *int64) error {
		if err := st.QueryRowContext(ctx, q).Scan(dst); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		return nil
	}
	for q, dst := range map[string]*int64{
		`SELECT COUNT(*) FROM messages WHERE direction = 'in'`: &v.InboundStored,
		`SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE direction = 'in' AND provider_message_id IS NOT NULL
			GROUP BY channel_id, provider_message_id HAVING COUNT(*) > 1) d`: &v.InboundDupes,
		`SELECT COUNT(*) FROM messages WHERE sender = 'user'`:                                                   &v.RepliesStored,
		`SELECT COUNT(*) FROM messages WHERE direction = 'out'`:                                                 &v.OutboundStored,
		`SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status NOT IN ('sent', 'delivered', 'read')`: &v.OutboundUnsent,
		`SELECT COUNT(*) FROM conversations`:                                                                    &v.Conversations,
		`SELECT COUNT(*) FROM (SELECT contact_id FROM conversations WHERE status IN ('open', 'snoozed')
			GROUP BY contact_id HAVING COUNT(*) > 1) d`: &v.TwoOpen,
		`SELECT COUNT(*) FROM conversations WHERE status = 'closed' AND close_category = 'Resolved' AND close_summary <> ''`: &v.ClosedResolved,
	} {
		if err := one(q, dst); err != nil {
			return v, err
		}
	}
	if err := replayCapacity(ctx, st, agentIDs, capacity, &v); err != nil {
		return v, err
	}
	problem := func(ok bool, format string, args ...any) {
		if !ok {
			v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
		}
	}
	// A message whose acknowledgement was lost (a timeout) may still be
	// stored, so the store may hold more than was acknowledged, never less.
	problem(v.InboundStored >= acked, "%d messages acknowledged but %d stored", acked, v.InboundStored)
	problem(v.InboundDupes == 0, "%d provider message ids stored more than once", v.InboundDupes)
	problem(v.RepliesStored >= replies, "%d agent replies accepted but %d stored", replies, v.RepliesStored)
	// Each message to a contact reaches its channel once: the integrator
	// or the visitor's socket would count a resend twice.
	problem(v.OutboundStored == received, "%d messages to contacts stored but %d received", v.OutboundStored, received)
	problem(v.OutboundUnsent == 0, "%d messages to contacts left unsent", v.OutboundUnsent)
	problem(v.TwoOpen == 0, "%d contacts with two open conversations", v.TwoOpen)
	problem(v.ClosedResolved >= closed, "%d conversations closed by agents but %d stored closed as Resolved with a summary", closed, v.ClosedResolved)
	problem(v.OverCapacity == 0, "%d assignments above an agent's capacity of %d", v.OverCapacity, capacity)
	return v, nil
}

// replayCapacity walks the event log in order, keeping each bench agent's
// open conversations (assigned, then unassigned or closed), and records
// the most any of them held at once.
func replayCapacity(ctx context.Context, st *sql.DB, agentIDs map[int64]bool, capacity int, v *verdict) error {
	rows, err := st.QueryContext(ctx, `SELECT type, conversation_id, payload FROM events
		WHERE type IN ('conversation.assigned', 'conversation.unassigned', 'conversation.closed') ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	holder := map[int64]int64{} // conversation → its assignee
	open := map[int64]int64{}   // agent → open conversations
	for rows.Next() {
		var typ, payload string
		var convID sql.NullInt64
		if err := rows.Scan(&typ, &convID, &payload); err != nil {
			return err
		}
		c := convID.Int64
		if prev := holder[c]; prev != 0 {
			open[prev]--
			delete(holder, c)
		}
		if typ != "conversation.assigned" {
			continue
		}
		v.AssignmentEvents++
		var p struct {
			AssigneeID int64 `json:"assignee_id"`
		}
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return fmt.Errorf("conversation.assigned payload %q: %w", payload, err)
		}
		if p.AssigneeID == 0 {
			continue
		}
		holder[c] = p.AssigneeID
		open[p.AssigneeID]++
		if agentIDs[p.AssigneeID] {
			v.MaxOpenPerAgent = max(v.MaxOpenPerAgent, open[p.AssigneeID])
			if capacity > 0 && open[p.AssigneeID] > int64(capacity) {
				v.OverCapacity++
			}
		}
	}
	return rows.Err()
}
