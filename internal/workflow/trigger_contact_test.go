package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestContactTriggers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.contacts.CreateField(ctx, f.wsp.ID, contact.Field{Key: "plan", Name: "Plan", Type: "text"})
		note := func(name, trigger string) Workflow {
			return f.deploy(`{"name": "` + name + `", "trigger": ` + trigger + `,
				"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "` + name + `"}}]}`)
		}
		tag := note("tag", `{"type": "contact_tag_updated", "conditions": {"tags": ["vip"], "action": "removed"}}`)
		field := note("field", `{"type": "contact_field_updated", "conditions": {"field": "plan", "value": "pro"}}`)
		stage := note("stage", `{"type": "lifecycle_updated", "conditions": {"to": ["Customer"]}, "once_per_contact": true}`)

		got := f.write("+14155550300", "hi")
		id := got.ContactID
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), id, "vip", true)  // added: no
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), id, "vip", false) // removed: yes
		free, pro := "free", "pro"
		f.contacts.Update(ctx, access.System(f.wsp.ID), id, contact.Input{Fields: map[string]any{"plan": free}}) // no
		f.contacts.Update(ctx, access.System(f.wsp.ID), id, contact.Input{Fields: map[string]any{"plan": pro}})  // yes
		f.contacts.SetLifecycle(ctx, access.System(f.wsp.ID), id, "Customer")                                    // yes
		f.contacts.SetLifecycle(ctx, access.System(f.wsp.ID), id, "Hot Lead")                                    // no
		f.contacts.SetLifecycle(ctx, access.System(f.wsp.ID), id, "Customer")                                    // once per contact: no
		for _, w := range []Workflow{tag, field, stage} {
			f.waitStatus(w.ID, got.ConversationID, StatusFinished)
		}
		f.eventually("the engine to consume every event", func() bool {
			return f.count(`SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow' AND last_id = (SELECT MAX(id) FROM events)`) == 1
		})
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != 3 {
			t.Fatalf("%d runs, want one per workflow", n)
		}
		r := f.runOf(field.ID, got.ConversationID)
		if r.Data.Trigger["value"] != "pro" {
			t.Fatalf("trigger data %v", r.Data.Trigger)
		}
	})
}
