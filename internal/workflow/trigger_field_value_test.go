package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A Contact Field Updated trigger's value matches the value a field is
// set to as a Branch's equals would: the store keeps a field's canonical
// form (a list's option as defined, a number without trailing zeros, an
// email in lower case), so a trigger on "pro", "18.0" or "Ada@Example.com"
// never fired for the values the API accepts as exactly those.
func TestFieldTriggerValueMatchesTheStoredForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for _, fd := range []contact.Field{
			{Key: "plan", Name: "Plan", Type: "list", Options: []string{"Free", "Pro"}},
			{Key: "age", Name: "Age", Type: "number"},
			{Key: "billing", Name: "Billing email", Type: "email"},
		} {
			if _, err := f.contacts.CreateField(ctx, f.wsp.ID, fd); err != nil {
				t.Fatal(err)
			}
		}
		note := func(name, conditions string) Workflow {
			return f.deploy(`{"name": "` + name + `", "trigger": {"type": "contact_field_updated", "conditions": ` + conditions + `},
				"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "` + name + `"}}]}`)
		}
		plan := note("plan", `{"field": "plan", "value": "pro"}`)
		age := note("age", `{"field": "age", "value": "18.0"}`)
		billing := note("billing", `{"field": "billing", "value": "Ada@Example.com"}`)
		other := note("other", `{"field": "plan", "value": "free"}`)

		got := f.write("+14155550701", "hi")
		if _, err := f.contacts.Update(ctx, access.System(f.wsp.ID), got.ContactID, contact.Input{Fields: map[string]any{
			"plan": "PRO", "age": 18.0, "billing": "ada@example.com"}}); err != nil {
			t.Fatal(err)
		}
		for _, w := range []Workflow{plan, age, billing} {
			f.waitStatus(w.ID, got.ConversationID, StatusFinished)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, other.ID); n != 0 {
			t.Fatalf("a trigger on plan free ran %d times for plan Pro", n)
		}
	})
}
