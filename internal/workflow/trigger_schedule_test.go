package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestScheduleTrigger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.write("+14155550400", "hi")
		b := f.write("+14155550401", "hi")
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), a.ContactID, "newsletter", true)
		w := f.deploy(`{"name": "Daily", "trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * *", "contacts": {"tag": "newsletter"}}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "Good morning"}}]}`)
		var next int64
		d.Reader().QueryRow(ctx, `SELECT next_fire_at FROM workflows WHERE id = ?`, w.ID).Scan(&next)
		at := db.Time(next)
		if at.Hour() != 9 || at.Minute() != 0 || !at.After(f.clock.Now()) {
			t.Fatalf("next firing %s", at)
		}
		f.clock.Advance(at.Sub(f.clock.Now()) - time.Second)
		f.idle()
		if len(f.outTexts(a.ConversationID)) != 0 {
			t.Fatal("the schedule fired a second early")
		}
		f.clock.Advance(2 * time.Second)
		f.eventually("the morning message", func() bool { return len(f.outTexts(a.ConversationID)) == 1 })
		if len(f.outTexts(b.ConversationID)) != 0 || f.count(`SELECT COUNT(*) FROM workflow_runs`) != 1 {
			t.Fatal("the schedule ran for a contact outside its filter, or twice")
		}
		d.Reader().QueryRow(ctx, `SELECT next_fire_at FROM workflows WHERE id = ?`, w.ID).Scan(&next)
		if db.Time(next).Sub(at) != 24*time.Hour {
			t.Fatalf("next firing %s after %s", db.Time(next), at)
		}
	})
}
