package routing

import (
	"context"
	"fmt"

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
	for i := range ordered {
		c := ordered[i]
		if chosen != nil {
			skips[c.id] = "not first by " + j.strategy
			continue
		}
		ok, why, err := s.claim(ctx, tx, j, c, st, now)
		if err != nil {
			return false, 0, reason, err
		}
		if !ok {
			skips[c.id] = "changed during the claim: " + why
			continue
		}
		chosen = &c
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
	case j.force && chosen.capacity > 0 && chosen.open >= chosen.capacity:
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

// Lock the agent's row before re-reading what the choice rested on. On
// PostgreSQL a second node claiming the same agent waits here until the
// first commits and then sees its assignment in the count.
var lockAgent = map[db.Dialect]string{
	db.SQLite: `SELECT a.last_seen_at, COALESCE(a.capacity, -1), u.status, u.deactivated_at FROM routing_agents a JOIN users u ON u.id = a.user_id
		WHERE a.user_id = ?`,
	db.Postgres: `SELECT a.last_seen_at, COALESCE(a.capacity, -1), u.status, u.deactivated_at FROM routing_agents a JOIN users u ON u.id = a.user_id
		WHERE a.user_id = ? FOR UPDATE OF a`,
}

// claim re-reads candidate c under a row lock and reports whether they
// still qualify: the compare half of a compare-and-swap whose swap is the
// assignment written in the same transaction. On SQLite the single writer
// already serialises claims; the re-read is then a cheap confirmation.
func (s *Service) claim(ctx context.Context, tx *db.Tx, j job, c candidate, st settings, now int64) (bool, string, error) {
	if !c.hasRow {
		if err := ensureAgent(ctx, tx, j.workspaceID, c.id); err != nil {
			return false, "", err
		}
	}
	fresh := c
	var override int
	var deactivated int64
	if err := tx.QueryRow(ctx, lockAgent[tx.Dialect()], c.id).Scan(&fresh.lastSeen, &override, &fresh.status, &deactivated); err != nil {
		return false, "", fmt.Errorf("lock agent %d: %w", c.id, err)
	}
	fresh.capacity, fresh.deactivated = effectiveCapacity(override, st), deactivated != 0
	if c.aiAgent {
		fresh.status, fresh.lastSeen, fresh.capacity = Online, now, 0
	}
	if fresh.capacity > 0 || c.open >= 0 {
		var err error
		if fresh.open, err = openCount(ctx, tx, c.id); err != nil {
			return false, "", err
		}
	}
	if why := j.filter(fresh, now, st); why != "" {
		return false, why, nil
	}
	return true, "", nil
}

// write1 writes the assignment the claim decided, the agent's last
// assignment time and the round-robin position, removes the conversation
// from any queue, and asserts the capacity invariant before commit.
func (s *Service) write1(ctx context.Context, tx *db.Tx, j job, c candidate, reason Reason, st settings, now int64) error {
	in := conversation.AssignInput{UserID: c.id, Source: j.source, ByUser: j.byUserID, Reason: reason.Summary, Detail: reason}
	if j.teamID != 0 {
		in.TeamID = j.teamID
	}
	// As it was, for the time-to-assignment metric (a row this
	// transaction already read, so the read is from cache).
	before, err := conversation.GetTx(ctx, tx, j.workspaceID, j.conversationID)
	if err != nil {
		return err
	}
	if _, err := conversation.AssignTx(ctx, tx, j.workspaceID, j.conversationID, in); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE routing_agents SET last_assigned_at = ? WHERE user_id = ?`, now, c.id); err != nil {
		return err
	}
	if reason.Strategy == RoundRobin {
		if err := saveRoundRobin(ctx, tx, j.workspaceID, j.teamID, c.id); err != nil {
			return err
		}
	}
	queued, err := dequeueForAssignment(ctx, tx, j.conversationID)
	if err != nil {
		return err
	}
	s.metrics.assigned(tx, reason.Strategy, before, queued, now)
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
