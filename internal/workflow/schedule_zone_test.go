package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A schedule without a time zone of its own keeps the workspace's time,
// as the Date & Time step and {{system.*}} do: "0 9 * * *" in a Tokyo
// workspace is 9:00 in Tokyo. It fired at 9:00 UTC, six in the evening
// there.
func TestScheduleWithoutZoneKeepsTheWorkspacesTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspaces SET timezone = 'Asia/Tokyo' WHERE id = ?`, f.wsp.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		a := f.write("+14155550410", "hi")
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), a.ContactID, "newsletter", true)
		w := f.deploy(`{"name": "Daily", "trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * *", "contacts": {"tag": "newsletter"}}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "Good morning"}}]}`)
		nextFire := func() time.Time {
			var next int64
			if err := d.Reader().QueryRow(ctx, `SELECT next_fire_at FROM workflows WHERE id = ?`, w.ID).Scan(&next); err != nil {
				t.Fatal(err)
			}
			return db.Time(next).In(tokyo)
		}
		at := nextFire()
		if at.Hour() != 9 || at.Minute() != 0 {
			t.Fatalf("next firing %s, want 9:00 in Tokyo", at)
		}
		f.clock.Advance(at.Sub(f.clock.Now()))
		f.eventually("the morning message", func() bool { return len(f.outTexts(a.ConversationID)) == 1 })
		if again := nextFire(); again.Hour() != 9 || again.Sub(at) != 24*time.Hour {
			t.Fatalf("the firing after %s is %s, want 9:00 in Tokyo the next day", at, again)
		}
	})
}
