package workflow

import (
	"context"
	"fmt"
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

// A chained step that fails (a send outside the window, after a comment
// in the same transaction) undoes its chain's transaction, which runs
// again without it: the comment before it is written once, and the send
// then runs alone and takes its failure exit.
func TestChainedStepFailureRunsTheChainAgainWithoutIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWindows(t, d, fixedWindow{Seconds: 24 * 3600, Rule: "template"})
		got := f.write("+19995550002", "hi")
		f.clock.Advance(25 * time.Hour)
		w := f.manual("late chained", `[
			{"id": "before", "type": "add_comment", "settings": {"text": "about to write"}, "exits": {"next": "say"}},
			{"id": "say", "type": "send_message", "settings": {"text": "Still there?"}, "exits": {"failure": "note"}},
			{"id": "note", "type": "add_comment", "settings": {"text": "could not write"}}]`)
		run := f.settle(w, f.startFor(w, got.ContactID))
		if run.Status != StatusFinished {
			t.Fatalf("status %s: %s", run.Status, run.Error)
		}
		var steps []string
		for _, e := range run.History {
			steps = append(steps, e.Step+":"+e.Exit)
		}
		if fmt.Sprint(steps) != "[before:next say:failure note:next]" {
			t.Fatalf("history %v", steps)
		}
		if n := f.count(`SELECT COUNT(*) FROM comments WHERE conversation_id = ?`, got.ConversationID); n != 2 {
			t.Fatalf("%d comments, want 2 (the one before the failing send written once)", n)
		}
		if texts := f.outTexts(got.ConversationID); len(texts) != 0 {
			t.Errorf("sent %q", texts)
		}
	})
}
