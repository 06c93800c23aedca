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
		if n := f.count(`SELECT COUNT(*) FROM workflow_run_steps WHERE type = 'ask_question' AND run_id IN
			(SELECT id FROM workflow_runs WHERE workflow_id = ?)`, ask.ID); n != 1 {
			t.Fatalf("the deleted contact's run has %d question lines, want the question's only (no answer)", n)
		}
	})
}

// TestRunsOfADeletedContactEnd: deleting a contact deletes its
// conversations, so no answer, assignment or close can come for the runs
// waiting there. They end with the contact (history says why) instead of
// waiting for ever: counted as waiting in the list, holding the
// workflow's delete with a 409, and in the runs gauge.
func TestRunsOfADeletedContactEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ask := f.manual("ask", `[{"id": "q", "type": "ask_question", "settings": {"question": "Name?", "answer_type": "text"}}]`)
		queue := f.manual("queue", `[{"id": "a", "type": "assign_to", "settings": {"target": "team", "team_id": 999, "queue": true}}]`)
		other := f.write("+14155550901", "hi")
		got := f.write("+14155550902", "hi")
		asked := f.settle(ask, f.startFor(ask, got.ContactID))
		queued := f.settle(queue, f.startFor(queue, got.ContactID))
		kept := f.settle(ask, f.startFor(ask, other.ContactID))
		if asked.Status != StatusWaitingReply || queued.Status != StatusWaitingAssignment || kept.Status != StatusWaitingReply {
			t.Fatalf("runs %s, %s, %s before the delete", asked.Status, queued.Status, kept.Status)
		}
		if err := f.contacts.Delete(ctx, access.System(f.wsp.ID), got.ContactID); err != nil {
			t.Fatal(err)
		}
		f.idle()
		for _, r := range []struct {
			w  Workflow
			id int64
		}{{ask, asked.ID}, {queue, queued.ID}} {
			run, err := f.svc.GetRun(ctx, f.wsp.ID, r.w.ID, r.id)
			if err != nil {
				t.Fatal(err)
			}
			if run.Status != StatusFinished {
				t.Errorf("run %d of the deleted contact is %s, want finished", r.id, run.Status)
				continue
			}
			if last := run.History[len(run.History)-1]; last.Type != "end" || last.Outcome != "the contact was deleted" {
				t.Errorf("run %d's last line: %+v", r.id, last)
			}
		}
		// Another contact's run waits on.
		if run, _ := f.svc.GetRun(ctx, f.wsp.ID, ask.ID, kept.ID); run.Status != StatusWaitingReply {
			t.Errorf("another contact's run is %s", run.Status)
		}
		if err := f.svc.DeleteChecked(ctx, f.wsp.ID, queue.ID, false); err != nil {
			t.Errorf("deleting the workflow whose only run was the deleted contact's: %v", err)
		}
	})
}

// TestStoppingARunOfADeletedContact: a run can be stopped, and its
// workflow deleted with force, while its contact (and conversation) is
// already gone but the engine has not read the deletion yet (a node
// behind, or runs left waiting by a version before the engine ended
// them). The stop's history line went into the deleted conversation's
// timeline, and PostgreSQL refused it: a 500.
func TestStoppingARunOfADeletedContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ask := f.manual("ask", `[{"id": "q", "type": "ask_question", "settings": {"question": "Name?", "answer_type": "text"}}]`)
		a, b := f.write("+14155550911", "hi"), f.write("+14155550912", "hi")
		first, second := f.settle(ask, f.startFor(ask, a.ContactID)), f.settle(ask, f.startFor(ask, b.ContactID))
		f.stop()
		for _, c := range []int64{a.ContactID, b.ContactID} {
			if err := f.contacts.Delete(ctx, access.System(f.wsp.ID), c); err != nil {
				t.Fatal(err)
			}
		}
		r, err := f.svc.StopRun(ctx, f.wsp.ID, ask.ID, first.ID)
		if err != nil || r.Status != StatusStopped {
			t.Fatalf("stop a run of a deleted contact: %+v, %v", r, err)
		}
		if err := f.svc.DeleteChecked(ctx, f.wsp.ID, ask.ID, true); err != nil {
			t.Fatalf("delete with force a workflow waiting on a deleted contact (run %d): %v", second.ID, err)
		}
	})
}
