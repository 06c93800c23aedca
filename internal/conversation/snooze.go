package conversation

import (
	"context"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// SnoozeUntilProblem says what is wrong with snoozing until a time at
// now ("" when nothing is): the one rule of a conversation's snooze and a
// bulk request's, which checks it once for all its conversations.
func SnoozeUntilProblem(until, now time.Time) string {
	switch {
	case !until.After(now):
		return "must be in the future"
	case until.After(now.AddDate(1, 0, 0)):
		return "must be within a year"
	}
	return ""
}

// Snooze hides a conversation until a time; a contact message or the time
// wakes it. It stays open for the one-open-conversation rule.
func (s *Service) Snooze(ctx context.Context, p Principal, id int64, until time.Time, byUser int64) (Conversation, error) {
	if problem := SnoozeUntilProblem(until, s.db.Clock().Now()); problem != "" {
		return Conversation{}, apperr.Invalid("until", "%s", problem)
	}
	var c Conversation
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := mayAct(ctx, tx, p, id); err != nil {
			return err
		}
		var err error
		if c, err = getOpen(ctx, tx, p.WorkspaceID, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE conversations SET status = 'snoozed', snoozed_until = ?, auto_close_at = 0 WHERE id = ?`, db.Millis(until), id); err != nil {
			return err
		}
		c.Status, c.SnoozedUntil = StatusSnoozed, until.UTC().Truncate(time.Millisecond)
		payload := map[string]any{"until": c.SnoozedUntil}
		if byUser != 0 {
			payload["by_user_id"] = byUser
		}
		tx.Due(dueSnooze, db.Millis(until))
		return appendEvent(ctx, tx, c, event.ConversationSnoozed, payload)
	})
	return c, wrap("snooze", err)
}

// Unsnooze reopens a snoozed conversation by hand.
func (s *Service) Unsnooze(ctx context.Context, p Principal, id int64) (Conversation, error) {
	var c Conversation
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := mayAct(ctx, tx, p, id); err != nil {
			return err
		}
		var err error
		if c, err = getOpen(ctx, tx, p.WorkspaceID, id); err != nil {
			return err
		}
		if c.Status != StatusSnoozed {
			return nil
		}
		c.Status, c.SnoozedUntil = StatusOpen, time.Time{}
		return unsnoozeTx(ctx, tx, c, "user", 0)
	})
	return c, wrap("unsnooze", err)
}

// unsnoozeTx reopens a snoozed conversation — for the timer (dueBy not 0)
// only if its snooze ends by then, since it may have been snoozed again
// for longer since the timer looked. The event is appended only if this
// transaction's update is the one that woke it: two nodes' timers, or a
// timer and a contact's message, may race for the same conversation, and
// the loser's update (re-evaluated after the winner commits) changes nothing.
func unsnoozeTx(ctx context.Context, tx *db.Tx, c Conversation, reason string, dueBy int64) error {
	q := `UPDATE conversations SET status = 'open', snoozed_until = 0 WHERE id = ? AND status = 'snoozed'`
	args := []any{c.ID}
	if dueBy != 0 {
		q += ` AND snoozed_until <= ?`
		args = append(args, dueBy)
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	if err := rearmAutoCloseTx(ctx, tx, c.ID, tx.Now()); err != nil {
		return err
	}
	return appendEvent(ctx, tx, c, event.ConversationUnsnoozed, map[string]any{"reason": reason})
}

// dueSnooze names the snooze timer's work for db.Tx.Due.
const dueSnooze = "snooze"

// SnoozeWork is the snooze timer as a kind of the node's timed work
// (internal/due): its runner sleeps until the earliest wake time (no
// polling interval) and is woken early when a snooze due sooner is set,
// on this node or another.
func (s *Service) SnoozeWork() due.Kind {
	return due.Kind{Name: dueSnooze, Pass: s.wakeDue, Retry: 5 * time.Second, Backlog: due.Overdue(s.db,
		`SELECT COUNT(*), COALESCE(MIN(snoozed_until), 0) FROM conversations WHERE status = 'snoozed' AND snoozed_until <= ?`)}
}

// SnoozeTimer returns a loop, run in g, that runs SnoozeWork alone, for a
// service run without a node's runner. It returns when ctx ends.
func (s *Service) SnoozeTimer(g *background.Group) func(ctx context.Context) {
	_, run := due.Attach(nil, s.db, g, s.SnoozeWork())
	return run
}

// wakeDue unsnoozes every conversation whose time has come and returns the
// next wake time (zero if none).
func (s *Service) wakeDue(ctx context.Context) (time.Time, error) {
	now := s.db.Now()
	rows, err := s.db.Reader().Query(ctx, `SELECT `+columns+` FROM conversations WHERE status = 'snoozed' AND snoozed_until <= ? ORDER BY snoozed_until LIMIT 500`, now)
	if err != nil {
		return time.Time{}, err
	}
	var due []Conversation
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			rows.Close()
			return time.Time{}, err
		}
		due = append(due, c)
	}
	rows.Close()
	if len(due) > 0 {
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			for _, c := range due {
				// A contact message, another node or a new snooze may have
				// changed it since the read: unsnoozeTx re-checks in its update.
				if err := unsnoozeTx(ctx, tx, c, "timer", now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return time.Time{}, err
		}
		if len(due) == 500 {
			return db.Time(now), nil // more are due: look again at once
		}
	}
	var next int64
	err = s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(snoozed_until), 0) FROM conversations WHERE status = 'snoozed'`).Scan(&next)
	return db.Time(next), err
}
