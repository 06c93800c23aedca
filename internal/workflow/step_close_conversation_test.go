package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestCloseConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := f.conv.CreateCategory(ctx, f.wsp.ID, "Resolved"); err != nil {
			t.Fatal(err)
		}
		run, conv := f.runSteps(`[{"id": "close", "type": "close_conversation",
			"settings": {"category": "Resolved", "summary": "{{contact.first_name}} was helped by the bot"}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
		c, _ := f.conv.Get(ctx, access.System(f.wsp.ID), conv)
		if c.Status != "closed" || c.ClosedSource != "workflow" || c.CloseCategory != "Resolved" || c.CloseSummary != "Maria was helped by the bot" {
			t.Fatalf("closed conversation %+v", c)
		}
		run, _ = f.runSteps(`[{"id": "close", "type": "close_conversation", "settings": {"category": "Nope"}}]`)
		if run.Status != StatusFailed || !strings.Contains(run.Error, "closing categories") {
			t.Fatalf("a bad category: status %s %q", run.Status, run.Error)
		}
	})
}

// TestClosingEndsWaitingRuns checks that a run waiting for an answer ends
// when its conversation closes, whoever closes it.
func TestClosingEndsWaitingRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[{"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "text"}}]`)
		if _, err := f.conv.Close(context.Background(), access.System(f.wsp.ID), conv, closeBy("user")); err != nil {
			t.Fatal(err)
		}
		r := f.waitStatus(run.WorkflowID, conv, StatusFinished)
		if last := r.History[len(r.History)-1]; last.Outcome != "the conversation was closed" {
			t.Fatalf("history %+v", r.History)
		}
	})
}
