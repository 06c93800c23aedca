package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The inbox's shortcut menu lists the active shortcut workflows, by name,
// with their forms; event workflows and stopped shortcuts are not in it.
func TestShortcutsListsActiveShortcutWorkflows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		refund := f.deploy(`{"name": "Refund", "trigger": {"type": "shortcut", "conditions": {"inputs": [{"name": "amount", "type": "number", "required": true}]}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "Refunding {{var.amount}}"}}]}`)
		callback := f.deploy(`{"name": "Call back", "trigger": {"type": "shortcut"},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "We will call you"}}]}`)
		stopped := f.deploy(`{"name": "Archive", "trigger": {"type": "shortcut"},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "bye"}}]}`)
		if _, err := f.svc.SetActive(ctx, f.wsp.ID, stopped.ID, false); err != nil {
			t.Fatal(err)
		}
		f.deploy(`{"name": "An event one", "trigger": {"type": "conversation_closed"}, "steps": [{"id": "w", "type": "wait", "settings": {"seconds": 1}}]}`)

		got, err := f.svc.Shortcuts(ctx, f.wsp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != callback.ID || got[1].ID != refund.ID {
			t.Fatalf("shortcuts %+v: want Call back then Refund", got)
		}
		if len(got[1].Inputs) != 1 || got[1].Inputs[0].Name != "amount" || !got[1].Inputs[0].Required {
			t.Errorf("Refund's form %+v: want the required amount", got[1].Inputs)
		}
		if got[0].Inputs == nil {
			t.Errorf("a shortcut with no form answers an empty list, not null")
		}
	})
}
