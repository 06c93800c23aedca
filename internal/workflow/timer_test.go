package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestShortTimersFire checks that a Wait of 1 s and a question timeout of
// 1 s fire, each at its time and not before, with the engine asleep in
// between.
func TestShortTimersFire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[
			{"id": "pause", "type": "wait", "settings": {"seconds": 1}, "exits": {"next": "ask"}},
			{"id": "ask", "type": "ask_question", "settings": {"question": "Still there?", "answer_type": "text", "timeout_seconds": 1},
			 "exits": {"next": "yes", "timeout": "gone"}},
			{"id": "yes", "type": "send_message", "settings": {"text": "Great"}},
			{"id": "gone", "type": "send_message", "settings": {"text": "We will write later"}}]`)
		if run.Status != StatusWaitingTimer {
			t.Fatalf("status %s, want waiting_timer", run.Status)
		}
		w := Workflow{ID: run.WorkflowID}
		status := func() string {
			r, _ := f.svc.GetRun(context.Background(), f.wsp.ID, w.ID, run.ID)
			return r.Status
		}
		f.clock.Advance(999 * time.Millisecond)
		f.idle()
		if s := status(); s != StatusWaitingTimer {
			t.Fatalf("status %s before the wait's second passed", s)
		}
		f.clock.Advance(time.Millisecond)
		f.idle()
		if s := status(); s != StatusWaitingReply {
			t.Fatalf("status %s after the wait, want waiting_reply", s)
		}
		f.clock.Advance(999 * time.Millisecond)
		f.idle()
		if s := status(); s != StatusWaitingReply {
			t.Fatalf("status %s before the question timed out", s)
		}
		f.clock.Advance(time.Millisecond)
		f.eventually("the run to finish", func() bool { return status() == StatusFinished })
		texts := f.outTexts(conv)
		if len(texts) != 2 || texts[0] != "Still there?" || texts[1] != "We will write later" {
			t.Fatalf("sent %q", texts)
		}
		r, _ := f.svc.GetRun(context.Background(), f.wsp.ID, w.ID, run.ID)
		if last := r.History[len(r.History)-2]; last.Step != "ask" || last.Exit != "timeout" {
			t.Fatalf("history %+v", r.History)
		}
	})
}

// TestLongWaitOnInjectedClock waits 7 days on a clock the test moves.
func TestLongWaitOnInjectedClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[
			{"id": "week", "type": "wait", "settings": {"seconds": 604800}, "exits": {"next": "after"}},
			{"id": "after", "type": "send_message", "settings": {"text": "A week later"}}]`)
		if run.Status != StatusWaitingTimer || run.WakeAt.Sub(run.CreatedAt) < 7*24*time.Hour-time.Minute {
			t.Fatalf("status %s wake %s", run.Status, run.WakeAt)
		}
		f.clock.Advance(7*24*time.Hour - time.Minute)
		f.idle()
		if len(f.outTexts(conv)) != 0 {
			t.Fatal("the wait ended a minute early")
		}
		f.clock.Advance(2 * time.Minute)
		f.eventually("the week to pass", func() bool { return len(f.outTexts(conv)) == 1 })
	})
}
