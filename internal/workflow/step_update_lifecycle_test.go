package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestUpdateLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, _ := f.runSteps(`[{"id": "l", "type": "update_lifecycle", "settings": {"stage": "Customer"}, "exits": {"next": "bad"}},
			{"id": "bad", "type": "update_lifecycle", "settings": {"stage": "Astronaut"}}]`)
		c, _ := f.contacts.Get(context.Background(), access.System(f.wsp.ID), run.ContactID)
		if c.LifecycleStage != "Customer" {
			t.Fatalf("stage %q", c.LifecycleStage)
		}
		if run.Status != StatusFailed || !strings.Contains(run.Error, "Astronaut") {
			t.Fatalf("an unknown stage: status %s %q", run.Status, run.Error)
		}
		if n := f.count(`SELECT COUNT(*) FROM events WHERE contact_id = ? AND type = 'contact.lifecycle.updated'`, run.ContactID); n != 1 {
			t.Errorf("%d lifecycle events", n)
		}
	})
}
