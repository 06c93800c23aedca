package workflow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// fixedWindow is every channel's window.
type fixedWindow conversation.Window

func (w fixedWindow) WindowOf(context.Context, int64) (conversation.Window, error) {
	return conversation.Window(w), nil
}

// Outside the channel's reply window a Send a Message step takes its
// failure exit, the reason in the run's history, and nothing is sent.
func TestSendOutsideTheWindowTakesFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWindows(t, d, fixedWindow{Seconds: 24 * 3600, Rule: "template"})
		got := f.write("+19995550001", "hi")
		f.clock.Advance(25 * time.Hour)
		w := f.manual("late", `[
			{"id": "say", "type": "send_message", "settings": {"text": "Still there?"}, "exits": {"failure": "note"}},
			{"id": "note", "type": "add_comment", "settings": {"text": "could not write"}}]`)
		run := f.settle(w, f.startFor(w, got.ContactID))
		if run.Status != StatusFinished {
			t.Fatalf("status %s: %s", run.Status, run.Error)
		}
		if e := run.History[0]; e.Exit != "failure" || !strings.Contains(e.Error, "The 24-hour window closed at 2026-03-03 09:00 UTC") {
			t.Errorf("history %+v", e)
		}
		if texts := f.outTexts(got.ConversationID); len(texts) != 0 {
			t.Errorf("sent %q", texts)
		}
	})
}
