package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// TestAIMessagesAreNotHumanResponses: a message written with AI (an agent
// sending an AI draft, or an AI agent's reply) answers nobody in the
// reports, even sent by a user: the first response is the next message a
// person wrote, and the wait is measured up to it.
func TestAIMessagesAreNotHumanResponses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		w, clk, ev := oneContact(t, d, day, 78)
		appendAt(t, d, clk, day, ev(event.ConversationOpened, map[string]any{"source": "contact"}))
		appendAt(t, d, clk, day.Add(time.Second), ev(event.MessageReceived, map[string]any{"sender": "contact"}))
		// The agent's first message is an AI draft, then an AI agent replies.
		appendAt(t, d, clk, day.Add(20*time.Second), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4, "ai": "draft"}))
		appendAt(t, d, clk, day.Add(30*time.Second), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 9, "ai": "agent"}))
		// The next message a person wrote answers the contact.
		appendAt(t, d, clk, day.Add(2*time.Minute), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4}))
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		r, err := svc.Responses(ctx, w.ID, f)
		must(t, err)
		if fr := r.Current.FirstResponse; fr.Count != 1 || fr.SumMs != 120_000 {
			t.Errorf("first response: %+v, want one of 120 s (the person's message, not the AI draft at 20 s)", fr)
		}
		if rt := r.Current.ResponseTime; rt.Count != 1 || rt.SumMs != 119_000 {
			t.Errorf("response time: %+v, want one response of 119 s", rt)
		}
		m, err := svc.Messages(ctx, w.ID, f)
		must(t, err)
		if m.Current.Out != 3 {
			t.Errorf("messages out: %+v, want the 3 sent (AI ones are still messages)", m.Current)
		}
	})
}
