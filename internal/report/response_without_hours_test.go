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

// In a workspace without business hours a response has no business-hours
// time, as a first response has none: with hours=business the response
// time counts no response, not one of 0 ms.
func TestResponseTimeWithoutHoursCountsNone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		w, clk, ev := oneContact(t, d, day, 100)
		appendAt(t, d, clk, day, ev(event.ConversationOpened, map[string]any{"source": "contact", "channel_id": 5}))
		appendAt(t, d, clk, day.Add(time.Second), ev(event.MessageReceived, map[string]any{"sender": "contact", "channel_id": 5}))
		appendAt(t, d, clk, day.Add(10*time.Minute), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4, "channel_id": 5}))
		appendAt(t, d, clk, day.Add(20*time.Minute), ev(event.MessageReceived, map[string]any{"sender": "contact", "channel_id": 5}))
		appendAt(t, d, clk, day.Add(25*time.Minute), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4, "channel_id": 5}))
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		plain, err := svc.Responses(ctx, w.ID, f)
		must(t, err)
		f.BusinessHours = true
		bh, err := svc.Responses(ctx, w.ID, f)
		must(t, err)
		if plain.Current.ResponseTime.Count != 2 {
			t.Fatalf("response time over %d responses; want 2", plain.Current.ResponseTime.Count)
		}
		if bh.Current.FirstResponse.Count != 0 || bh.Current.ResponseTime.Count != 0 {
			t.Errorf("in business hours without hours: %d first responses and %d responses counted; want none of either",
				bh.Current.FirstResponse.Count, bh.Current.ResponseTime.Count)
		}
	})
}
