package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// stageFlow is the bench's workflow (bench/workflow) without its routing:
// a send and a question, then, once answered, a branch and a contact
// field's update.
const stageFlow = `{"name": "stage", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["contact"]}},
 "steps": [
  {"id": "hi", "type": "send_message", "settings": {"text": "Hi {{contact.first_name}}"}, "exits": {"next": "ask"}},
  {"id": "ask", "type": "ask_question", "settings": {"question": "Sales or Support?", "answer_type": "multiple_choice",
   "options": ["Sales", "Support"], "save_to": {"kind": "variable", "name": "need"}}, "exits": {"next": "route"}},
  {"id": "route", "type": "branch", "settings": {"branches": [{"conditions": [{"subject": "variable", "name": "need",
   "operator": "equals", "value": "Sales"}]}]}, "exits": {"branch[0]": "save", "else": "save"}},
  {"id": "save", "type": "update_contact_field", "settings": {"field": "language", "value": "{{var.need}}"}}]}`

// TestStageOneCommit: the consumer's batch that starts a run runs its
// first chain (send, ask) and the batch that resumes it with the answer
// runs the rest, each in the batch's own transaction: one commit per
// stage, where the timer's claim and step transactions made three.
func TestStageOneCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := f.deploy(stageFlow)
		f.write("+14155550100", "warm up") // the consumer's cursor row, made by its first batch
		f.idle()

		// Each stage: the receive's commit, the consumer's batch that
		// starts or resumes the run and runs its chain, and the next batch,
		// which reads the events the chain appended (it starts nothing).
		commits := d.Commits()
		got := f.write("+14155550101", "hello")
		f.waitStatus(w.ID, got.ConversationID, StatusWaitingReply)
		if n := d.Commits() - commits; n != 3 {
			t.Errorf("the start took %d commits besides the receive's and the next batch's, want 1", n-2)
		}
		commits = d.Commits()
		f.write("+14155550101", "Sales")
		run := f.waitStatus(w.ID, got.ConversationID, StatusFinished)
		if n := d.Commits() - commits; n != 3 {
			t.Errorf("the answer took %d commits besides the receive's and the next batch's, want 1", n-2)
		}
		if got := strings.Join(f.outTexts(got.ConversationID), "|"); got != "Hi Maria|Sales or Support?\n1. Sales\n2. Support" {
			t.Errorf("sent %q", got)
		}
		var steps []string
		for _, h := range run.History {
			steps = append(steps, h.Step+":"+h.Exit)
		}
		if got := strings.Join(steps, " "); got != "hi:next ask: ask:next route:branch[0] save:next" {
			t.Errorf("history %q", got)
		}
		if f.eng.Consumer().Failures() != 0 {
			t.Errorf("the consumer failed %d times", f.eng.Consumer().Failures())
		}
	})
}

// TestStageFailingStep: a step that fails in a chain the consumer's batch
// runs fails the run (or takes its failure exit), as it does in the
// timer's transaction, without failing the batch: the batch runs again at
// once, leaving that run to the timer, and the other runs it started
// are not held up.
func TestStageFailingStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// A chained step that fails: the send before it is kept, once.
		chained := f.deploy(`{"name": "chained", "trigger": {"type": "conversation_opened"}, "steps": [
			{"id": "hi", "type": "send_message", "settings": {"text": "hi"}, "exits": {"next": "bad"}},
			{"id": "bad", "type": "update_contact_field", "settings": {"field": "no_such_field", "value": "x"}}]}`)
		// A first step that fails, with a failure exit wired.
		first := f.deploy(`{"name": "first", "trigger": {"type": "conversation_opened"}, "steps": [
			{"id": "bad", "type": "update_contact_field", "settings": {"field": "no_such_field", "value": "x"},
			 "exits": {"next": "", "failure": "sorry"}},
			{"id": "sorry", "type": "send_message", "settings": {"text": "sorry"}}]}`)
		// A run of the same batch that does not fail.
		fine := f.deploy(`{"name": "fine", "trigger": {"type": "conversation_opened"}, "steps": [
			{"id": "ok", "type": "add_comment", "settings": {"text": "fine"}}]}`)
		got := f.write("+14155550102", "hello")
		a := f.waitStatus(chained.ID, got.ConversationID, StatusFailed)
		b := f.waitStatus(first.ID, got.ConversationID, StatusFinished)
		f.waitStatus(fine.ID, got.ConversationID, StatusFinished)
		if len(a.History) != 2 || a.History[0].Step != "hi" || a.History[1].Step != "bad" || a.History[1].Error == "" {
			t.Errorf("chained run: history %+v", a.History)
		}
		if len(b.History) != 2 || b.History[0].Exit != "failure" || b.History[1].Step != "sorry" {
			t.Errorf("first-step run: history %+v", b.History)
		}
		texts := f.outTexts(got.ConversationID)
		if strings.Count(strings.Join(texts, "|"), "hi") != 1 || strings.Count(strings.Join(texts, "|"), "sorry") != 1 {
			t.Errorf("sent %q, want hi and sorry once each", texts)
		}
		if f.eng.Consumer().Failures() != 0 {
			t.Errorf("the consumer failed %d times", f.eng.Consumer().Failures())
		}
	})
}

// TestStageRolledBack: a crash before the consumer's batch commits (its
// transaction rolled back after the staged chains ran in it) leaves
// nothing of them, and the batch handled again runs each chain once: one
// run per workflow, its message sent once, its history written once.
func TestStageRolledBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := f.deploy(stageFlow)
		f.stop() // the test hands the batch to the engine itself
		got := f.write("+14155550103", "hello")
		events := f.openedEvents()
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != 0 {
			t.Fatalf("%d runs before the batch", n)
		}
		crash := errors.New("crash before the commit")
		ctx := context.Background()
		err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if err := f.eng.handleBatch(ctx, tx, events); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM workflow_run_steps`).Scan(&n); err != nil {
				return err
			}
			if n != 2 {
				t.Errorf("%d history lines in the batch's transaction, want 2 (its chain ran in it)", n)
			}
			return crash
		})
		if !errors.Is(err, crash) {
			t.Fatal(err)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`) + f.count(`SELECT COUNT(*) FROM messages WHERE direction = 'out'`); n != 0 {
			t.Fatalf("%d runs and messages left by the rolled back batch", n)
		}
		if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error { return f.eng.handleBatch(ctx, tx, events) }); err != nil {
			t.Fatal(err)
		}
		run := f.runOf(w.ID, got.ConversationID)
		if run.Status != StatusWaitingReply || len(run.History) != 2 {
			t.Errorf("run %s, history %+v", run.Status, run.History)
		}
		if texts := f.outTexts(got.ConversationID); strings.Join(texts, "|") != "Hi Maria|Sales or Support?\n1. Sales\n2. Support" {
			t.Errorf("sent %q", texts)
		}
		if n := f.count(`SELECT COUNT(*) FROM outbound_jobs`); n != 2 { // delivered after the commit
			t.Errorf("%d outbound jobs, want 2", n)
		}
	})
}

// TestChainTimelineSequence: the timeline events of a chain take their
// conversation's sequence numbers with one UPDATE for those queued
// between two steps that append events of their own, not one each, and
// keep the conversation's order: numbers from 1 without a gap, in the
// order of the events' ids.
func TestChainTimelineSequence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := f.deploy(stageFlow)
		f.stop() // the test hands the batches to the engine itself
		got := f.write("+14155550104", "hello")
		ctx := context.Background()
		// handled hands events to the engine as its consumer's batch and
		// counts the statements it ran.
		handled := func(events []event.Event) int64 {
			before := d.Statements()
			if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error { return f.eng.handleBatch(ctx, tx, events) }); err != nil {
				t.Fatal(err)
			}
			return d.Statements() - before
		}
		// The first chain (the run started, Send Message, Ask a Question,
		// the wait) ran 21 statements when the Send Message step's
		// timeline event took its sequence number with an UPDATE of its
		// own before the question was sent; the question's send now
		// numbers it with its own update of the conversation: 20.
		if n := handled(f.openedEvents()); d.Dialect == db.SQLite && n > 20 {
			t.Errorf("the first chain's batch ran %d statements, want at most 20", n)
		}
		if r := f.runOf(w.ID, got.ConversationID); r.Status != StatusWaitingReply {
			t.Fatalf("run %s after the first chain", r.Status)
		}
		var last int64
		if err := d.Reader().QueryRow(context.Background(), `SELECT MAX(id) FROM events`).Scan(&last); err != nil {
			t.Fatal(err)
		}
		f.write("+14155550104", "Support")
		answers := f.eventsAfter(last, "message.received")
		// The waiting run read, its chain run (answer, branch, field
		// update) with one sequence-number UPDATE for the three steps'
		// timeline events and the run's end, the depth marks and their
		// clean-up: 10. One sequence-number UPDATE per event made it 13.
		if n := handled(answers); d.Dialect == db.SQLite && n > 10 {
			t.Errorf("the answer's batch ran %d statements, want at most 10", n)
		}
		if r := f.runOf(w.ID, got.ConversationID); r.Status != StatusFinished {
			t.Fatalf("run %s", r.Status)
		}
		// The story in seq order: each step's line after what it did and
		// before the next step's message. A step handed the queued lines
		// to its send (sendsFirst) only because it appends nothing to the
		// conversation before that send; if it ever did, the earlier
		// step's line would land after it.
		types := dbtest.Column[string](t, d, `SELECT type FROM events WHERE conversation_id = ? ORDER BY seq`, got.ConversationID)
		payloads := dbtest.Column[string](t, d, `SELECT payload FROM events WHERE conversation_id = ? ORDER BY seq`, got.ConversationID)
		var story []string
		for i, typ := range types {
			var p struct{ Step string }
			if err := json.Unmarshal([]byte(payloads[i]), &p); err != nil {
				t.Fatal(err)
			}
			if p.Step != "" {
				typ += ":" + p.Step
			}
			story = append(story, typ)
		}
		want := []string{"conversation.opened", "message.received", "workflow.run.started:hi", "message.sent", "workflow.step:hi",
			"message.sent", "workflow.step:ask", "message.received", "workflow.step:ask", "workflow.step:route", "workflow.step:save",
			"workflow.run.ended:save"}
		if !slices.Equal(story, want) {
			t.Errorf("the conversation's events by seq:\n got %q\nwant %q", story, want)
		}
		seqs := dbtest.Column[int64](t, d, `SELECT seq FROM events WHERE conversation_id = ? ORDER BY id`, got.ConversationID)
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("the conversation's sequence numbers in id order: %v, want 1 to %d", seqs, len(seqs))
			}
		}
	})
}

// eventsAfter returns the events of type typ after id, in order.
func (f *fixture) eventsAfter(id int64, typ string) []event.Event {
	f.t.Helper()
	rows, err := f.d.Reader().Query(context.Background(), `SELECT id, workspace_id, type, conversation_id, contact_id, payload
		FROM events WHERE id > ? AND type = ? ORDER BY id`, id, typ)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		var e event.Event
		var payload string
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &e.ContactID, &payload); err != nil {
			f.t.Fatal(err)
		}
		e.Payload = []byte(payload)
		out = append(out, e)
	}
	return out
}
