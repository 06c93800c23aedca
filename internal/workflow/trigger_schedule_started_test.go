package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A schedule published (or stopped) before a firing and started after it
// waits for its next firing: starting it does not fire at once, at an
// hour its cron never named, the firing it missed while stopped.
func TestScheduleStartedLate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.write("+14155550500", "hi")
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), a.ContactID, "newsletter", true)
		def, err := ParseDefinition([]byte(`{"name": "Daily", "trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * *",
			"contacts": {"tag": "newsletter"}}}, "steps": [{"id": "s", "type": "send_message", "settings": {"text": "Good morning"}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.svc.Create(ctx, f.wsp.ID, def)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.wsp.ID, w.ID, Edit{}); err != nil {
			t.Fatal(err)
		}
		// Published at 09:00 on Monday, started on Tuesday at 15:00.
		f.clock.Advance(30 * time.Hour)
		f.idle()
		if _, err := f.svc.SetActive(ctx, f.wsp.ID, w.ID, true); err != nil {
			t.Fatal(err)
		}
		f.idle()
		if got := f.outTexts(a.ConversationID); len(got) != 0 {
			t.Fatalf("started at 15:00, the 09:00 schedule sent %q at once", got)
		}
		var next int64
		d.Reader().QueryRow(ctx, `SELECT next_fire_at FROM workflows WHERE id = ?`, w.ID).Scan(&next)
		if want := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC); !db.Time(next).Equal(want) {
			t.Fatalf("next firing %s, want %s", db.Time(next), want)
		}
		f.clock.Advance(18 * time.Hour)
		f.eventually("the morning message", func() bool { return len(f.outTexts(a.ConversationID)) == 1 })
	})
}
