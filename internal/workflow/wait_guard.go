package workflow

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// waitGuard is what a run about to wait must know of its conversation:
// whether a close or an assignment that would end the wait has already
// been handled without it, and the newest event (a reply wait starts
// after it).
//
// A close (or an assignment) commits and is handled by the workflow
// consumer, which ends the runs it finds waiting. A run that was running
// then (its step being executed, on this node or another) is not among
// them, and its wait, committed after, would last until its timeout: a
// Wait step on a closed conversation, or the questions of a workflow set
// to end on assignment going on while an agent talks to the contact.
// The run therefore reads the conversation, under its row lock on
// PostgreSQL, in the transaction that makes it wait: a close committed
// before is seen here; one committed after is handled after this wait
// commits, and the consumer finds the run waiting.
//
// Only a close or an assignment after the run's start ends it, as only
// those could have been handled while it ran. A run started by an event
// compares with that event: a run started by the close itself (a
// conversation_closed trigger, a survey after a wait) waits as it always
// did. A run with no trigger event (started by hand, on a schedule, by
// another run) compares with its start_seq, its conversation's sequence
// when it was inserted (migration 041): a run started on a conversation
// already assigned or closed asks and waits as before, and one whose
// conversation was closed or assigned after it began ends.
type waitGuard struct {
	newest int64  // the newest event's id
	end    string // why the run ends instead of waiting, or ""
}

// guardWait reads r's conversation before r waits with status wait.
func guardWait(ctx context.Context, tx *db.Tx, d *Definition, r *Run, wait string) (waitGuard, error) {
	var g waitGuard
	q := `SELECT c.status, c.assignee_id IS NOT NULL, COALESCE(r.trigger_event_id, 0), COALESCE(r.start_seq, 0),
		(SELECT COALESCE(MAX(id), 0) FROM events)
		FROM conversations c LEFT JOIN workflow_runs r ON r.id = ? WHERE c.id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR SHARE OF c`
	}
	var status string
	var assigned bool
	var trigger, startSeq int64
	err := tx.QueryRow(ctx, q, r.ID, r.ConversationID).Scan(&status, &assigned, &trigger, &startSeq, &g.newest)
	if errors.Is(err, sql.ErrNoRows) {
		// Deleted with its contact: nothing can end the wait any more,
		// and the run's end is written to no conversation's timeline.
		g.end = "the conversation was deleted"
		r.ConversationID = 0
		return g, nil
	}
	if err != nil {
		return g, err
	}
	var typ event.Type
	var why string
	switch {
	case status == "closed":
		typ, why = event.ConversationClosed, "the conversation was closed"
	case assigned && wait != StatusWaitingAssignment && d.Options.EndOnAssignment:
		typ, why = event.ConversationAssigned, "an agent was assigned"
	default:
		return g, nil
	}
	// After the trigger event by id (the guard's lock orders the close
	// against this read; see above), or after the start by the
	// conversation's sequence.
	after, since := `id > ?`, trigger
	if trigger == 0 {
		after, since = `seq > ?`, startSeq
	}
	var found bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE conversation_id = ? AND type = ? AND `+after+`)`,
		r.ConversationID, string(typ), since).Scan(&found); err != nil {
		return g, err
	}
	if found {
		g.end = why
	}
	return g, nil
}
