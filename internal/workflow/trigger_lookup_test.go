package workflow

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// openedEvents reads the conversation.opened events of the store, in order.
func (f *fixture) openedEvents() []event.Event { return f.eventsAfter(0, "conversation.opened") }

// TestTriggerLookupsOncePerBatch hands the engine a batch of 30 events
// that could fire a trigger, in a workspace whose active workflow they do
// not fire: deciding so reads the active workflows, the test contacts and
// the loop guard's depths once for the batch, not once per event.
func TestTriggerLookupsOncePerBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.deploy(`{"name": "closed", "trigger": {"type": "conversation_closed"},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "bye"}}]}`)
		for i := range 30 {
			f.write(fmt.Sprintf("+1415555%04d", i), "hi")
		}
		f.stop() // the test hands the batch to the engine itself
		events := f.openedEvents()
		if len(events) != 30 {
			t.Fatalf("%d conversations opened, want 30", len(events))
		}
		before := d.Statements()
		if err := d.WriteConcurrent(context.Background(), func(tx *db.Tx) error {
			return f.eng.handleBatch(context.Background(), tx, events)
		}); err != nil {
			t.Fatal(err)
		}
		// The active workflows, the test contacts in chunks of 16, 8, 4
		// and 2 (db.Chunked), the depth clean-up; one event at a time it
		// was two statements an event.
		if n := d.Statements() - before; n > 6 {
			t.Errorf("the batch ran %d statements, want at most 6", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != 0 {
			t.Errorf("%d runs started, want none", n)
		}
	})
}

// TestTriggerLookupsBatchStartsEachRun hands the engine one batch in
// which a test contact's event and other contacts' events fire the same
// trigger: each of the others starts the active workflows in id order,
// the test contact only the stopped workflow it tests.
func TestTriggerLookupsBatchStartsEachRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		steps := `"steps": [{"id": "s", "type": "wait", "settings": {"seconds": 3600}}]`
		first := f.deploy(`{"name": "first", "trigger": {"type": "conversation_opened"}, ` + steps + `}`)
		second := f.deploy(`{"name": "second", "trigger": {"type": "conversation_opened"}, ` + steps + `}`)
		tested := f.deploy(`{"name": "tested", "trigger": {"type": "conversation_opened"}, ` + steps + `}`)
		if _, err := f.svc.SetActive(context.Background(), f.wsp.ID, tested.ID, false); err != nil {
			t.Fatal(err)
		}
		f.stop()
		for i := range 5 {
			f.write(fmt.Sprintf("+1415666%04d", i), "hi")
		}
		events := f.openedEvents()
		testContact := events[2].ContactID
		tester := f.teams()["Sales"]
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			// A test contact as testchat makes one: flagged, and tied to
			// the workflow it tests.
			if _, err := tx.Exec(context.Background(), `UPDATE contacts SET is_test = 1 WHERE id = ?`, testContact); err != nil {
				return err
			}
			_, err := tx.Exec(context.Background(), `INSERT INTO workflow_test_contacts (workspace_id, workflow_id, user_id, contact_id, created_at)
				VALUES (?, ?, ?, ?, 0)`, f.wsp.ID, tested.ID, tester.ID, testContact)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteConcurrent(context.Background(), func(tx *db.Tx) error {
			return f.eng.handleBatch(context.Background(), tx, events)
		}); err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			want := []int64{first.ID, second.ID}
			if ev.ContactID == testContact {
				want = []int64{tested.ID}
			}
			got, err := db.QueryIDs(context.Background(), d.Reader(), `SELECT workflow_id FROM workflow_runs
				WHERE trigger_event_id = ? ORDER BY id`, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("event %d (contact %d) started workflows %v, want %v", ev.ID, ev.ContactID, got, want)
			}
		}
	})
}

// TestWaitingLookupOncePerBatch hands the engine a batch of messages of
// 21 conversations, one of which has a run waiting for the answer: which
// conversations have a waiting run is read once for the batch rather than
// once per message, and the waiting run is resumed.
func TestWaitingLookupOncePerBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i := range 20 {
			f.write(fmt.Sprintf("+1415777%04d", i), "hi")
		}
		// Their openings handled before the workflow exists: a consumer
		// still behind them when it is deployed starts runs for them too,
		// and then 21 runs wait, not one.
		f.idle()
		w := f.deploy(`{"name": "ask", "trigger": {"type": "conversation_opened"},
			"steps": [{"id": "q", "type": "ask_question", "settings": {"question": "Name?", "answer_type": "text"}}]}`)
		asked := f.write("+14157779999", "hi")
		f.waitStatus(w.ID, asked.ConversationID, StatusWaitingReply)
		f.stop()
		var last int64
		if err := d.Reader().QueryRow(context.Background(), `SELECT MAX(id) FROM events`).Scan(&last); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			f.write(fmt.Sprintf("+1415777%04d", i), "again")
		}
		f.write("+14157779999", "Ada")
		rows, err := d.Reader().Query(context.Background(), `SELECT id, workspace_id, type, conversation_id, contact_id, payload
			FROM events WHERE id > ? AND type = 'message.received' ORDER BY id`, last)
		if err != nil {
			t.Fatal(err)
		}
		var events []event.Event
		for rows.Next() {
			var e event.Event
			var payload string
			if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &e.ContactID, &payload); err != nil {
				t.Fatal(err)
			}
			e.Payload = []byte(payload)
			events = append(events, e)
		}
		rows.Close()
		if len(events) != 21 {
			t.Fatalf("%d messages received, want 21", len(events))
		}
		before := d.Statements()
		if err := d.WriteConcurrent(context.Background(), func(tx *db.Tx) error {
			return f.eng.handleBatch(context.Background(), tx, events)
		}); err != nil {
			t.Fatal(err)
		}
		// Which conversations have a waiting run, in chunks of 16, 4 and
		// 1 on SQLite, in one statement on PostgreSQL (db.QueryIn); the one run read and resumed, and its chain run
		// to its end in the batch (see stage): its history line, one
		// sequence-number UPDATE for its two timeline events and their
		// insert, the run's save; the depth clean-up. One message at a
		// time it was a query per message.
		if n := d.Statements() - before; n > 10 {
			t.Errorf("the batch ran %d statements, want at most 10", n)
		}
		r := f.runOf(w.ID, asked.ConversationID)
		if r.Status != StatusFinished || len(r.History) != 2 || r.History[1].Outcome == "" {
			t.Errorf("the waiting run is %s with history %+v, want finished with the answer", r.Status, r.History)
		}
	})
}
