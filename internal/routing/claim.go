package routing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// tryJob picks the best qualifying candidate for j and claims them, all
// inside tx. It returns false (and the reason) when nobody qualifies.
func (s *Service) tryJob(ctx context.Context, tx *db.Tx, j job, st settings, now int64) (bool, int64, Reason, error) {
	reason := Reason{Target: j.target, TeamID: j.teamID, Forced: j.force}
	if j.auto && j.userID == 0 {
		reason.Strategy = j.strategy
	}
	cands, err := loadCandidates(ctx, tx, j, st, now)
	if err != nil {
		return false, 0, reason, err
	}
	skips := make(map[int64]string, len(cands))
	var qualified []candidate
	for _, c := range cands {
		if why := j.filter(c, now, st); why != "" {
			skips[c.id] = why
		} else {
			qualified = append(qualified, c)
		}
	}
	var rrLast int64
	if reason.Strategy == RoundRobin {
		if rrLast, err = loadRoundRobin(ctx, tx, j.workspaceID, j.teamID); err != nil {
			return false, 0, reason, err
		}
	}
	ordered := qualified
	if reason.Strategy != "" {
		ordered = order(j.strategy, qualified, rrLast)
	}
	var chosen *candidate
	var busy []candidate // passed over: another transaction holds their row
	for i := range ordered {
		c := ordered[i]
		if chosen != nil {
			skips[c.id] = "not first by " + j.strategy
			continue
		}
		ok, why, err := s.claim(ctx, tx, j, &c, st, now, false)
		if err != nil {
			return false, 0, reason, err
		}
		if why == whyBusy {
			busy = append(busy, c)
		}
		if !ok {
			skips[c.id] = "changed during the claim: " + why
			continue
		}
		chosen = &c
	}
	if chosen == nil && len(busy) > 0 {
		// Everyone who qualifies is being changed elsewhere: wait for the
		// first of them in rank whose row is above every agent's row this
		// transaction holds (a wait upwards closes no cycle), else for the
		// first, which gives way unless the write runs alone (db.WaitRow),
		// as it does under NoWait (a close's refill).
		c := busy[0]
		if top := tx.HighestRowHeld("routing_agents"); top != 0 {
			if i := slices.IndexFunc(busy, func(b candidate) bool { return b.id > top }); i >= 0 {
				c = busy[i]
			}
		}
		ok, why, err := s.claim(ctx, tx, j, &c, st, now, true)
		if err != nil {
			return false, 0, reason, err
		}
		if ok {
			chosen = &c
			delete(skips, c.id)
		} else {
			skips[c.id] = "changed during the claim: " + why
		}
	}
	for _, c := range cands {
		reason.add(c, now, st, skips[c.id])
	}
	if chosen == nil {
		switch {
		case len(cands) == 0 && j.userID != 0:
			reason.Summary = j.note + fmt.Sprintf("user %d cannot be found", j.userID)
		case len(cands) == 0:
			reason.Summary = j.note + "nobody in " + reason.scope()
		default:
			reason.Summary = j.note + "nobody qualifies in " + reason.scope() + ": " + reason.skippedSummary()
			if j.userID != 0 {
				reason.Summary = j.note + fmt.Sprintf("user %d does not qualify: %s", j.userID, skips[j.userID])
			}
		}
		return false, 0, reason, nil
	}
	switch {
	case reason.Strategy != "":
		reason.Summary = fmt.Sprintf("%s%s in %s: user %d, %s; %d considered", j.note, j.strategy, reason.scope(),
			chosen.id, why(j.strategy, *chosen, rrLast), reason.Considered)
		if sk := reason.skippedSummary(); sk != "" {
			reason.Summary += " (" + sk + ")"
		}
	case j.force && chosen.capacity > 0 && chosen.open-j.holds(*chosen) >= chosen.capacity:
		reason.Summary = fmt.Sprintf("assigned to user %d by hand, forced above capacity (%d/%d open)", chosen.id, chosen.open, chosen.capacity)
	case j.target == TargetPrevious:
		reason.Summary = fmt.Sprintf("previous assignee of the contact: user %d", chosen.id)
	default:
		reason.Summary = fmt.Sprintf("assigned to user %d by name", chosen.id)
	}
	if err := s.write1(ctx, tx, j, *chosen, reason, st, now); err != nil {
		return false, 0, reason, err
	}
	return true, chosen.id, reason, nil
}

// claimAgent is the claim: one conditional UPDATE of the agent's row that
// succeeds only while they are below their capacity (and below the
// request's max_open) and not deactivated, and records the assignment
// time. open_count is kept by triggers in the transaction of every
// change to a conversation's assignee or status (migration 037), so the
// condition reads the truth. On SQLite the single writer already
// serialises claims; on PostgreSQL a second claim of the same agent waits
// on the row lock and then evaluates the condition again against the row
// the first committed (READ COMMITTED re-checks an UPDATE's WHERE on the
// newest version), so no agent goes above capacity without any
// store-wide lock.
//
// When the job asked for an available agent, the claim also holds only
// while the agent's availability stands on what the candidate was chosen
// by: the status they chose is the one read, and their last heartbeat is
// no older (a heartbeat moves it later, which keeps them available; a
// device signing out can move it earlier). Presence changes run beside
// claims on PostgreSQL, each holding the agent's row while it writes, so
// a claim that waited for one, or read the candidate before one
// committed, sees it here (the UPDATE is a statement of its own, after
// the row lock, and so reads what committed before it).
//
// The conversation's own assignee (named again, e.g. to file it under a
// team) is checked without it: keeping it takes no new slot.
//
// It returns the count before this assignment.
const claimAgent = `UPDATE routing_agents SET last_assigned_at = ? WHERE user_id = ?
	AND (? = 1 OR ((COALESCE(capacity, ?) = 0 OR open_count - ? < COALESCE(capacity, ?)) AND (? = 0 OR open_count - ? < ?)))
	AND (? = 0 OR last_seen_at >= ?)
	AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = routing_agents.user_id AND (u.deactivated_at <> 0 OR (? = 1 AND u.status <> ?)))
	RETURNING open_count`

// whyChanged is claim's answer when the conditional UPDATE found the
// agent no longer qualifying.
const whyChanged = "at capacity, deactivated or no longer available"

// whyBusy is claim's answer for an agent whose row another transaction
// holds (PostgreSQL, concurrent writes).
const whyBusy = "held by another write in flight (an assignment or a heartbeat)"

// claim takes a slot of candidate c for j, or reports why it no longer
// can: the compare-and-swap whose swap is the assignment written next in
// the same transaction. Unless wait, an agent whose row another
// transaction holds is passed over (whyBusy) rather than waited for.
func (s *Service) claim(ctx context.Context, tx *db.Tx, j job, c *candidate, st settings, now int64, wait bool) (bool, string, error) {
	if !c.hasRow {
		if err := ensureAgent(ctx, tx, j.workspaceID, c.id); err != nil {
			return false, "", err
		}
	}
	// One batch may claim several agents, in the order strategies rank
	// them, and another batch the same agents the other way round: on
	// PostgreSQL waiting for a held agent could close a cycle, so an agent
	// held elsewhere is passed over for the next in rank. Only when
	// everyone who qualifies is held does tryJob wait, upwards only
	// unless the write runs alone (db.Tx.WaitRow): a batch that named
	// its agents' rows (a close) locks them in id order, and a claim
	// holding a higher agent that waited for a lower one it held closed
	// a cycle (the 3-node proof of 91b6992 logged one).
	if !wait {
		free, err := tx.TryLockRow(ctx, "routing_agents", c.id)
		if err != nil {
			return false, "", err
		}
		if !free {
			return false, whyBusy, nil
		}
	} else if err := tx.WaitRow(ctx, "routing_agents", c.id); err != nil {
		return false, "", err
	}
	unlimited, maxOpen := j.force || c.aiAgent, j.maxOpen
	if c.aiAgent {
		maxOpen = 0
	}
	// What the job's filter looked at (an AI agent is always available):
	// the status for an automatic assignment (busy takes none), the last
	// heartbeat too when only online agents qualify.
	sameStatus := (j.auto || j.onlyOnline) && !c.aiAgent
	stillSeen := j.onlyOnline && !c.aiAgent
	held := j.holds(*c)
	err := tx.QueryRow(ctx, claimAgent, now, c.id, db.Bool(unlimited), st.capacity, held, st.capacity, maxOpen, held, maxOpen,
		db.Bool(stillSeen), c.lastSeen, db.Bool(sameStatus), c.status).Scan(&c.open)
	if errors.Is(err, sql.ErrNoRows) {
		return false, whyChanged, nil
	}
	if err != nil {
		return false, "", fmt.Errorf("claim agent %d: %w", c.id, err)
	}
	return true, "", nil
}

// lockConversation takes the conversation's row lock on PostgreSQL before
// it is read for a change, so two concurrent placements of one
// conversation (two nodes draining one queue, a request racing the
// drainer) run one after the other and the second sees the first's
// assignment. SQLite's single writer already serialises them. Under
// db.NoWait (a close's refill) a row held elsewhere is not waited for:
// the refill gives way with db.ErrLockOrder.
func lockConversation(ctx context.Context, tx *db.Tx, id int64) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	if db.MayWait(ctx) {
		_, err := tx.Exec(ctx, `SELECT 1 FROM conversations WHERE id = ? FOR NO KEY UPDATE`, id)
		return err
	}
	var got int64
	err := tx.QueryRow(ctx, `SELECT id FROM conversations WHERE id = ? FOR NO KEY UPDATE SKIP LOCKED`, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		// Held elsewhere, or gone (its queue rows went with it): either
		// way not this refill's to place now.
		return db.ErrLockOrder
	}
	return err
}

// write1 writes the assignment the claim decided, the round-robin
// position, removes the conversation from any queue, and asserts the
// capacity invariant before commit.
func (s *Service) write1(ctx context.Context, tx *db.Tx, j job, c candidate, reason Reason, st settings, now int64) error {
	in := conversation.AssignInput{UserID: c.id, Source: j.source, ByUser: j.byUserID, Reason: reason.Summary, Detail: reason}
	if j.teamID != 0 {
		in.TeamID = j.teamID
	}
	// Everything AssignTx would read again is known here: j.before was
	// read in this transaction under the conversation's lock and found
	// open, the user came from the workspace's users and the claim holds
	// only while they are active, and the team is the workspace's: a
	// request's was checked before anything was written (assignTx), a
	// queue's when it was queued, a drained or reassigned conversation's
	// is the one it is filed under.
	if _, err := conversation.AssignDecidedTx(ctx, tx, conversation.Decided{Conversation: j.before}, in); err != nil {
		return err
	}
	if reason.Strategy == RoundRobin {
		if err := saveRoundRobin(ctx, tx, j.workspaceID, j.teamID, c.id); err != nil {
			return err
		}
	}
	var queued queueExit
	if !j.unqueued {
		var err error
		if queued, err = dequeueForAssignment(ctx, tx, j.conversationID); err != nil {
			return err
		}
	}
	s.metrics.assigned(tx, reason.Strategy, j.before, queued, now)
	if s.assigned != nil {
		conv, user := j.conversationID, c.id
		tx.OnCommit(func() { s.assigned(conv, user) })
	}
	if j.force || c.capacity == 0 {
		return nil
	}
	// The invariant, checked where it could break: if this ever fires the
	// transaction rolls back instead of committing an agent above capacity.
	open, err := openCount(ctx, tx, c.id)
	if err != nil {
		return err
	}
	if open > c.capacity {
		s.violations.Add(1)
		return fmt.Errorf("capacity invariant: user %d would have %d open, capacity %d", c.id, open, c.capacity)
	}
	return nil
}
