package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestUpdateContactTag(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, _ := f.runSteps(`[
			{"id": "add", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["vip", "from-{{contact.first_name}}"]}, "exits": {"next": "rm"}},
			{"id": "rm", "type": "update_contact_tag", "settings": {"action": "remove", "tags": ["vip", "never-there"]}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
		c, _ := f.contacts.Get(context.Background(), access.System(f.wsp.ID), run.ContactID)
		if strings.Join(c.Tags, ",") != "from-Maria" {
			t.Fatalf("tags %q", c.Tags)
		}
		if run.History[1].Outcome != "remove: vip" {
			t.Fatalf("history %+v", run.History[1])
		}
	})
}
