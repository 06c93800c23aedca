package workflow

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestAssignTo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		agents := f.teams("Support") // the Support agent is busy
		steps := `[{"id": "a", "type": "assign_to", "settings": {"target": "team", "team": "%s", "only_online": true,
			"queue": true, "timeout_seconds": 600, "queue_message": "You are number {{var.queue_position}} in line"},
			"exits": {"next": "ok", "timeout": "late"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "You are with {{assignee.name}}"}},
			{"id": "late", "type": "send_message", "settings": {"text": "Still waiting"}}]`

		run, conv := f.runSteps(fmt.Sprintf(steps, "Sales"))
		if run.Status != StatusFinished || f.outTexts(conv)[0] != "You are with Sales agent" {
			t.Fatalf("status %s sent %q", run.Status, f.outTexts(conv))
		}

		// Nobody online in Support: the run waits in the queue until
		// routing assigns someone, then goes on.
		run, conv = f.runSteps(fmt.Sprintf(steps, "Support"))
		if run.Status != StatusWaitingAssignment {
			t.Fatalf("status %s", run.Status)
		}
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "You are number 1 in line" {
			t.Fatalf("while queued, sent %q", got)
		}
		if err := f.assigner.assignQueued(ctx, agents["Support"].ID); err != nil {
			t.Fatal(err)
		}
		f.eventually("the queued run to go on", func() bool { return len(f.outTexts(conv)) == 2 })
		if got := f.outTexts(conv)[1]; got != "You are with Support agent" {
			t.Fatalf("sent %q", got)
		}

		// Still nobody after the timeout: the timeout exit.
		run, conv = f.runSteps(fmt.Sprintf(steps, "Support"))
		if run.Status != StatusWaitingAssignment {
			t.Fatalf("status %s", run.Status)
		}
		f.clock.Advance(601 * time.Second)
		f.eventually("the queue timeout", func() bool { return len(f.outTexts(conv)) == 2 })
		if got := f.outTexts(conv)[1]; got != "Still waiting" {
			t.Fatalf("sent %q", got)
		}
		for _, q := range f.assigner.queued {
			if q.ConversationID == conv {
				t.Fatalf("conversation %d is still queued after the timeout exit", conv)
			}
		}
	})
}

// assignedOrNot assigns to the Sales team and says "assigned" on its next
// exit, "not assigned" on its failure exit.
const assignedOrNot = `[{"id": "a", "type": "assign_to", "settings": {"target": "team", "team": "Sales"},
	"exits": {"next": "ok", "failure": "ko"}},
	{"id": "ok", "type": "send_message", "settings": {"text": "assigned"}},
	{"id": "ko", "type": "send_message", "settings": {"text": "not assigned"}}]`

// TestAssignToCommitsWithTheStep: routing writes the assignment in the
// step's transaction, so when the step fails after routing wrote it (here
// routing's own check refuses), the assignment is undone with the step:
// the run takes its failure exit and the conversation is left as it was,
// with no conversation.assigned in the log.
func TestAssignToCommitsWithTheStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.teams()
		f.assigner.mu.Lock()
		f.assigner.fail = errors.New("capacity invariant: the agent would be above capacity")
		f.assigner.mu.Unlock()
		run, conv := f.runSteps(assignedOrNot)
		if run.Status != StatusFinished {
			t.Fatalf("status %s (%s)", run.Status, run.Error)
		}
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "not assigned" {
			t.Fatalf("sent %q, want the failure exit's message", got)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE id = ? AND assignee_id IS NOT NULL`, conv); n != 0 {
			t.Fatal("the conversation stayed assigned although the step failed")
		}
		if n := f.count(`SELECT COUNT(*) FROM events WHERE conversation_id = ? AND type = 'conversation.assigned'`, conv); n != 0 {
			t.Fatalf("%d conversation.assigned events for an assignment undone", n)
		}
	})
}

// deadlockingFor is a fixture with teams whose assigner fails its next n
// calls with PostgreSQL's deadlock error, more than one write's six tries.
func deadlockingFor(t *testing.T, d *db.DB, n int) *fixture {
	f := newFixture(t, d)
	f.teams()
	f.assigner.mu.Lock()
	defer f.assigner.mu.Unlock()
	f.assigner.fail = fmt.Errorf("routing: assign: %w", &pgconn.PgError{Severity: "ERROR", Code: "40P01", Message: "deadlock detected"})
	f.assigner.failFor = n
	return f
}

// TestAssignToTriesADeadlockAgain: routing's writes deadlocking with
// another transaction (PostgreSQL, under load) is the store's trouble, not
// the step's verdict: the run stays at the step and is tried again until
// it assigns, and never takes the failure exit. Taken as a failure, the
// 3-node proof at size left 5 of 20,000 conversations open with nobody
// assigned. The deadlock outlasts the write's own retries (six tries), so
// the run's step is tried again by the executor.
func TestAssignToTriesADeadlockAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := deadlockingFor(t, d, 8)
		run, conv := f.runSteps(assignedOrNot)
		if run.Status != StatusFinished {
			t.Fatalf("status %s (%s)", run.Status, run.Error)
		}
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "assigned" {
			t.Fatalf("sent %q, want the assigned exit's message only", got)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE id = ? AND assignee_id IS NOT NULL`, conv); n != 1 {
			t.Fatal("the conversation is not assigned")
		}
	})
}

// TestStagedAssignToTriesADeadlockAgain is the deadlock above in a chain
// the consumer's batch runs (the run started by conversation.opened): the
// batch fails and is handled again (the write's retries, then the
// consumer's backoff on the store's clock) until the chain assigns. The
// run is never handed to the executor as a failing one, nor failed.
func TestStagedAssignToTriesADeadlockAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := deadlockingFor(t, d, 8)
		w := f.deploy(`{"name": "assign", "trigger": {"type": "conversation_opened"}, "steps": ` + assignedOrNot + `}`)
		got := f.write("+14155550188", "hi")
		assigned := func() bool {
			return f.count(`SELECT COUNT(*) FROM conversations WHERE id = ? AND assignee_id IS NOT NULL`, got.ConversationID) == 1
		}
		for try := 0; !assigned(); try++ {
			if try == 10 {
				t.Fatal("the conversation is not assigned after 10 backoffs")
			}
			f.idle()
			f.clock.Advance(time.Minute)
		}
		f.idle()
		run := f.runOf(w.ID, got.ConversationID)
		if run.Status != StatusFinished {
			t.Fatalf("status %s (%s)", run.Status, run.Error)
		}
		if got := f.outTexts(got.ConversationID); len(got) != 1 || got[0] != "assigned" {
			t.Fatalf("sent %q, want the assigned exit's message only", got)
		}
		f.assigner.mu.Lock()
		left := f.assigner.failFor
		f.assigner.mu.Unlock()
		if left != 0 {
			t.Fatalf("the assigner was called %d times, want at least 8", 8-left)
		}
		f.eng.unstaged.Range(func(k, _ any) bool {
			t.Errorf("run %+v was left to the executor as failing", k)
			return true
		})
	})
}

// A queued run whose timeout fires after the conversation was assigned,
// but before the engine handled that assignment's event, goes on as
// assigned: the timeout reads the conversation in its own transaction.
// Before, the run took its timeout exit ("Still waiting") with an agent
// already on the conversation.
func TestAssignToTimeoutAfterAnUnhandledAssignmentGoesOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		agents := f.teams("Support") // the Support agent is busy: the run queues
		run, conv := f.runSteps(`[{"id": "a", "type": "assign_to", "settings": {"target": "team", "team": "Support", "only_online": true,
			"queue": true, "timeout_seconds": 600}, "exits": {"next": "ok", "timeout": "late"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "You are with {{assignee.name}}"}},
			{"id": "late", "type": "send_message", "settings": {"text": "Still waiting"}}]`)
		if run.Status != StatusWaitingAssignment {
			t.Fatalf("status %s", run.Status)
		}
		// The assignment commits; the engine has not read its event yet
		// when the timeout fires (its cursor is moved past it, as if the
		// timer won the race).
		f.unhandled(func() {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, f.wsp.ID, conv, conversation.AssignInput{UserID: agents["Support"].ID, Source: conversation.SourceAPI})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		})
		f.clock.Advance(601 * time.Second)
		f.eventually("the run to go on", func() bool { return len(f.outTexts(conv)) == 1 })
		if got := f.outTexts(conv)[0]; got != "You are with Support agent" {
			t.Fatalf("sent %q, want the assigned exit", got)
		}
	})
}
