package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestContactRowVariablesReadTheRowOnly renders a step's text that names
// only the contact's standard fields, in a transaction as a step does: one
// statement (the contact's row), not three (its tags and custom fields
// too). A text that names a tag or a custom field still reads them.
func TestContactRowVariablesReadTheRowOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := f.contacts.CreateField(ctx, f.wsp.ID, contact.Field{Key: "plan", Type: "text"}); err != nil {
			t.Fatal(err)
		}
		first, last := "Ada", "Lovelace"
		c, err := f.contacts.Create(ctx, f.wsp.ID, contact.Input{FirstName: &first, LastName: &last,
			Fields: map[string]any{"plan": "gold"}, Tags: []string{"vip"}})
		if err != nil {
			t.Fatal(err)
		}
		// Nothing else writes while the statements are counted (on
		// PostgreSQL the engine's own writes would run beside).
		f.stop()
		for _, tc := range []struct {
			text, want string
			statements int64
		}{
			{"Hi {{contact.first_name}} {{contact.last_name}} ({{contact.lifecycle_stage}})", "Hi Ada Lovelace (New Lead)", 1},
			{"{{contact.first_name}}: {{contact.plan}}, {{contact.tags}}", "Ada: gold, vip", 3},
			{"{{contact.fields.plan}}", "gold", 3},
		} {
			var got string
			var n int64
			if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
				s := &scope{ctx: ctx, q: tx, e: f.eng, run: &Run{WorkspaceID: f.wsp.ID, ContactID: c.ID}, now: f.clock.Now()}
				before := d.Statements()
				got, _ = render(tc.text, s.lookup)
				n = d.Statements() - before
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%q rendered %q, want %q", tc.text, got, tc.want)
			}
			if n > tc.statements {
				t.Errorf("%q ran %d statements, want at most %d", tc.text, n, tc.statements)
			}
		}
	})
}
