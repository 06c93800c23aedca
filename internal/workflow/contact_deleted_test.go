package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestEventsOfADeletedContactStartNothing: contacts deleted before the
// engine read the event that opened one's conversation and the answer
// another's run waited for. Those events start and resume nothing (the
// contacts and their conversations are gone), and the engine goes on with
// the events after them: the run they started or resumed wrote its
// timeline into the deleted conversation, which failed the whole batch,
// retried for ever, and every workflow of every workspace stalled behind.
func TestEventsOfADeletedContactStartNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := f.deploy(`{"name": "hello", "trigger": {"type": "conversation_opened"},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "hello"}}]}`)
		ask := f.manual("ask", `[{"id": "q", "type": "ask_question", "settings": {"question": "Name?", "answer_type": "text"}}]`)
		answered := f.write("+14155550905", "hi")
		if r := f.settle(ask, f.startFor(ask, answered.ContactID)); r.Status != StatusWaitingReply {
			t.Fatalf("run %s", r.Status)
		}
		f.stop()
		gone := f.write("+14155550903", "hi")
		// An answer whose contact is deleted before the engine reads it.
		f.write("+14155550905", "Maria")
		if err := f.contacts.Delete(context.Background(), access.System(f.wsp.ID), answered.ContactID); err != nil {
			t.Fatal(err)
		}
		if err := f.contacts.Delete(context.Background(), access.System(f.wsp.ID), gone.ContactID); err != nil {
			t.Fatal(err)
		}
		got := f.write("+14155550904", "hi")
		f.start()
		f.eventually("the events after the deleted contact's", func() bool {
			return f.count(`SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow' AND last_id = (SELECT MAX(id) FROM events)`) == 1
		})
		f.waitStatus(w.ID, got.ConversationID, StatusFinished)
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE contact_id = ?`, gone.ContactID); n != 0 {
			t.Fatalf("%d runs for the deleted contact", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_run_steps WHERE run_id IN (SELECT id FROM workflow_runs WHERE workflow_id = ?)`,
			ask.ID); n != 1 {
			t.Fatalf("the deleted contact's answered run has %d history lines, want the question's only", n)
		}
	})
}
