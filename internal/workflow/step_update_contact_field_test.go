package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestUpdateContactField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := f.contacts.CreateField(ctx, f.wsp.ID, contact.Field{Key: "plan", Name: "Plan", Type: "list", Options: []string{"free", "pro"}}); err != nil {
			t.Fatal(err)
		}
		run, _ := f.runSteps(`[
			{"id": "f1", "type": "update_contact_field", "settings": {"field": "plan", "value": "pro"}, "exits": {"next": "f2"}},
			{"id": "f2", "type": "update_contact_field", "settings": {"field": "last_name", "value": "{{contact.first_name}}son"}, "exits": {"next": "bad"}},
			{"id": "bad", "type": "update_contact_field", "settings": {"field": "plan", "value": "platinum"}, "exits": {"failure": "ok"}},
			{"id": "ok", "type": "update_contact_field", "settings": {"field": "language", "value": "fr"}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
		c, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
		if c.Fields["plan"] != "pro" || c.LastName != "Mariason" || c.Language != "fr" {
			t.Fatalf("contact %+v", c)
		}
		// The invalid list value was refused as the API would, and its
		// failure exit taken with the reason in the history.
		if bad := run.History[2]; bad.Step != "bad" || bad.Exit != "failure" || !strings.Contains(bad.Error, "platinum") {
			t.Fatalf("history %+v", bad)
		}
		if n := f.count(`SELECT COUNT(*) FROM events WHERE contact_id = ? AND type = 'contact.updated'`, run.ContactID); n != 3 {
			t.Errorf("%d contact.updated events, want 3", n)
		}
	})
}
