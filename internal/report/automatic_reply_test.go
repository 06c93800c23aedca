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

// TestAutomaticRepliesWaitForNobody: an automatic reply (an out-of-office
// after the agent's answer) is an incoming message, but the contact is not
// waiting for an answer to it: the next reply is no response and its wait
// is not counted.
func TestAutomaticRepliesWaitForNobody(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		w, clk, ev := oneContact(t, d, day, 79)
		appendAt(t, d, clk, day, ev(event.ConversationOpened, map[string]any{"source": "contact"}))
		appendAt(t, d, clk, day.Add(time.Second), ev(event.MessageReceived, map[string]any{"sender": "contact"}))
		appendAt(t, d, clk, day.Add(61*time.Second), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4}))
		appendAt(t, d, clk, day.Add(62*time.Second), ev(event.MessageReceived, map[string]any{"sender": "contact", "automatic": true}))
		appendAt(t, d, clk, day.Add(time.Hour), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4}))
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		r, err := svc.Responses(ctx, w.ID, f)
		must(t, err)
		if rt := r.Current.ResponseTime; rt.Count != 1 || rt.SumMs != 60_000 {
			t.Errorf("response time: %+v, want the one response of 60 s (the out-of-office awaited none)", rt)
		}
		m, err := svc.Messages(ctx, w.ID, f)
		must(t, err)
		if m.Current.In != 2 {
			t.Errorf("messages in: %+v, want 2 (an automatic reply is still a message)", m.Current)
		}
	})
}
