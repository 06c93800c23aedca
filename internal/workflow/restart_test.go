package workflow

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

const askFlow = `{"name": "Ask", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["contact"]}},
  "steps": [
    {"id": "hello", "type": "send_message", "settings": {"text": "Hello {{contact.first_name}}"}, "exits": {"next": "ask"}},
    {"id": "ask", "type": "ask_question", "settings": {"question": "Your order number?", "answer_type": "number"}, "exits": {"next": "thanks"}},
    {"id": "thanks", "type": "send_message", "settings": {"text": "Thanks, order {{step.ask.answer}}"}}
  ]}`

const remindFlow = `{"name": "Remind", "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["remind"], "action": "added"}},
  "steps": [
    {"id": "pause", "type": "wait", "settings": {"seconds": 3600}, "exits": {"next": "remind"}},
    {"id": "remind", "type": "send_message", "settings": {"text": "A reminder, an hour later"}}
  ]}`

// TestRestartContinuesEveryRun stops the node (engine, committer, store)
// while runs wait for answers and on timers, reopens the same data, and
// checks that every run continues and each step ran exactly once, by
// counting the outbound messages. A second stop lands in the middle of
// the answers being processed. SWITCHBOARD_WORKFLOW_RESTART_RUNS sets the
// number of runs of each kind (default 500, as the issue asks).
func TestRestartContinuesEveryRun(t *testing.T) {
	n := 500
	if raceEnabled {
		n = 200 // still hundreds resumed at once; full size without -race
	}
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_WORKFLOW_RESTART_RUNS")); err == nil && v > 0 {
		n = v
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			cfg := dbtest.Config(t, dialect)
			d, err := db.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, d)
			ask, remind := f.deploy(askFlow), f.deploy(remindFlow)
			convs := make([]int64, 2*n)
			for i := range convs {
				r := f.write(fmt.Sprintf("+1415555%04d", i), "hi")
				convs[i] = r.ConversationID
				if i >= n {
					if err := f.contacts.SetTag(ctx, access.System(f.wsp.ID), r.ContactID, "remind", true); err != nil {
						t.Fatal(err)
					}
				}
			}
			waiting := func(wf int64, status string, want int) {
				t.Helper()
				f.eventually(fmt.Sprintf("%d runs %s", want, status), func() bool {
					return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = ?`, wf, status) == want
				})
			}
			waiting(ask.ID, StatusWaitingReply, 2*n)
			waiting(remind.ID, StatusWaitingTimer, n)

			restart := func() {
				f.stop()
				if err := f.d.Close(); err != nil {
					t.Fatal(err)
				}
				if f.d, err = db.Open(ctx, cfg); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.d.Close() })
				f.start()
			}
			restart()

			// Answer the first n; stop again while those answers are being
			// processed, then let everything finish.
			for i := range n {
				f.write(fmt.Sprintf("+1415555%04d", i), strconv.Itoa(1000+i))
			}
			// Stopped at once: the engine is still at work on the answers
			// (or, on a fast machine, done: the test proves less, never fails).
			restart()
			f.clock.Advance(time.Hour + time.Second)
			waiting(ask.ID, StatusFinished, n)
			waiting(remind.ID, StatusFinished, n)
			waiting(ask.ID, StatusWaitingReply, n)

			total := f.count(`SELECT COUNT(*) FROM messages WHERE direction = 'out'`)
			if want := 2*2*n + n + n; total != want {
				t.Fatalf("%d outbound messages, want %d (each step exactly once)", total, want)
			}
			for i, c := range convs {
				texts := f.outTexts(c)
				want := []string{"Hello Maria", "Your order number?"}
				if i < n {
					want = append(want, fmt.Sprintf("Thanks, order %d", 1000+i))
				} else {
					want = append(want, "A reminder, an hour later")
				}
				if fmt.Sprint(texts) != fmt.Sprint(want) {
					t.Fatalf("conversation %d got %q, want %q", i, texts, want)
				}
			}
			if k := f.count(`SELECT COUNT(*) FROM outbound_jobs`); k != total {
				t.Errorf("%d outbound jobs for %d messages", k, total)
			}
		})
	}
}
