package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A step's send hands the chain's queued timeline events to the message
// (conversation.SendInput.Before) and drops them from the queue only once
// it is sent: a send refused (outside the reply window here) leaves them
// queued, to be appended with the chain's others, not lost.
func TestSendTakesTheQueuedTimelineOnlyWhenSent(t *testing.T) {
	for _, refused := range []bool{false, true} {
		t.Run(map[bool]string{false: "sent", true: "refused"}[refused], func(t *testing.T) { sendTakesTheQueuedTimeline(t, refused) })
	}
}

func sendTakesTheQueuedTimeline(t *testing.T, refused bool) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWindows(t, d, fixedWindow{Seconds: 24 * 3600, Rule: "template"})
		got := f.write("+19995550003", "hi")
		if refused {
			f.clock.Advance(25 * time.Hour)
		}
		ctx := context.Background()
		r := &Run{ID: 1, WorkspaceID: f.wsp.ID, ConversationID: got.ConversationID, ContactID: got.ContactID}
		lines := &stepLines{}
		if err := timelineEventTo(ctx, nil, lines, r, event.WorkflowStep, map[string]any{"step": "before"}); err != nil {
			t.Fatal(err)
		}
		var sendErr error
		if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			x := f.eng.newExecution(ctx, tx, r, nil, nil)
			x.lines = lines
			_, sendErr = x.send("Still there?", nil, nil, 0)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if refused != (sendErr != nil) {
			t.Fatalf("refused %v: the send returned %v", refused, sendErr)
		}
		if want := map[bool]int{false: 0, true: 1}[refused]; len(lines.events) != want {
			t.Fatalf("refused %v: %d events still queued, want %d", refused, len(lines.events), want)
		}
		if refused {
			return
		}
		types := dbtest.Column[string](t, d, `SELECT type FROM events WHERE conversation_id = ? ORDER BY seq`, got.ConversationID)
		if n := len(types); n < 2 || types[n-2] != string(event.WorkflowStep) || types[n-1] != string(event.MessageSent) {
			t.Fatalf("the conversation's events by seq: %v, want the step's then the message's last", types)
		}
	})
}
