package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestReplayStartsNothingTwice rewinds the engine's cursor, as a crash
// between a commit and the cursor's advance would, and checks that the
// replayed events start no second run.
func TestReplayStartsNothingTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := f.deploy(`{"name": "hello", "trigger": {"type": "conversation_opened"},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "hello"}}]}`)
		got := f.write("+14155550600", "hi")
		f.waitStatus(w.ID, got.ConversationID, StatusFinished)
		f.stop()
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE event_consumers SET last_id = 0 WHERE name = 'workflow'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.start()
		f.eventually("the replay", func() bool {
			return f.count(`SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow' AND last_id = (SELECT MAX(id) FROM events)`) == 1
		})
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != 1 {
			t.Fatalf("%d runs after the replay", n)
		}
		if n := len(f.outTexts(got.ConversationID)); n != 1 {
			t.Fatalf("%d messages after the replay", n)
		}
	})
}

// TestEndOnAssignment ends a run waiting for an answer when an agent is
// assigned, for a workflow that asks for it; another workflow's run waits on.
func TestEndOnAssignment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ask := `"steps": [{"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "text"}}]`
		ends := f.deploy(`{"name": "ends", "trigger": {"type": "conversation_opened"}, "options": {"end_on_assignment": true}, ` + ask + `}`)
		stays := f.deploy(`{"name": "stays", "trigger": {"type": "conversation_opened"}, ` + ask + `}`)
		got := f.write("+14155550700", "hi")
		f.waitStatus(ends.ID, got.ConversationID, StatusWaitingReply)
		f.waitStatus(stays.ID, got.ConversationID, StatusWaitingReply)
		agents := f.teams()
		if err := f.assignByHand(got.ConversationID, agents["Sales"].ID); err != nil {
			t.Fatal(err)
		}
		r := f.waitStatus(ends.ID, got.ConversationID, StatusFinished)
		if last := r.History[len(r.History)-1]; last.Outcome != "an agent was assigned" {
			t.Fatalf("history %+v", r.History)
		}
		f.eventually("the assignment to be consumed", func() bool {
			return f.count(`SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow' AND last_id = (SELECT MAX(id) FROM events)`) == 1
		})
		if r := f.runOf(stays.ID, got.ConversationID); r.Status != StatusWaitingReply {
			t.Fatalf("the other workflow's run is %s", r.Status)
		}
	})
}
