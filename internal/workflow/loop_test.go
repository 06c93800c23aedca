package workflow

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestLoopGuardStopsWorkflowsTriggeringEachOther wires two manual
// workflows that start each other: the chain stops at MaxDepth with a run
// that names the loop guard.
func TestLoopGuardStopsWorkflowsTriggeringEachOther(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550009", "hi")
		a := f.manual("A", `[{"id": "note", "type": "add_comment", "settings": {"text": "A ran"}}]`)
		b := f.manual("B", fmt.Sprintf(`[{"id": "call", "type": "trigger_workflow", "settings": {"workflow_id": %d}}]`, a.ID))
		la, err := ParseDefinition([]byte(fmt.Sprintf(`{"name": "A", "trigger": {"type": "manual"}, "steps": [
			{"id": "note", "type": "add_comment", "settings": {"text": "A ran"}, "exits": {"next": "call"}},
			{"id": "call", "type": "trigger_workflow", "settings": {"workflow_id": %d}}]}`, b.ID)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveDraft(ctx, f.wsp.ID, a.ID, la, Edit{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.wsp.ID, a.ID, Edit{}); err != nil {
			t.Fatal(err)
		}
		f.startFor(a, got.ContactID)
		f.eventually("the chain to stop", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE status = 'failed'`) == 1 &&
				f.count(`SELECT COUNT(*) FROM workflow_runs WHERE status IN ('running', 'waiting_timer')`) == 0
		})
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != MaxDepth {
			t.Fatalf("%d runs, want %d", n, MaxDepth)
		}
		var msg string
		var depth int
		f.d.Reader().QueryRow(ctx, `SELECT error, depth FROM workflow_runs WHERE status = 'failed'`).Scan(&msg, &depth)
		if !strings.Contains(msg, "loop guard") || depth != MaxDepth-1 {
			t.Fatalf("failed run at depth %d: %q", depth, msg)
		}
	})
}

// TestLoopGuardThroughEvents wires two workflows that trigger each other
// through tags (A adds x, which starts B, which removes x and adds it
// again…): the events carry the depth of the run that made them.
func TestLoopGuardThroughEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.deploy(`{"name": "A", "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["ping"], "action": "added"}},
			"steps": [{"id": "t", "type": "update_contact_tag", "settings": {"action": "remove", "tags": ["ping"]}, "exits": {"next": "p"}},
			{"id": "p", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["pong"]}}]}`)
		f.deploy(`{"name": "B", "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["pong"], "action": "added"}},
			"steps": [{"id": "t", "type": "update_contact_tag", "settings": {"action": "remove", "tags": ["pong"]}, "exits": {"next": "p"}},
			{"id": "p", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["ping"]}}]}`)
		got := f.write("+14155550010", "hi")
		if err := f.contacts.SetTag(context.Background(), access.System(f.wsp.ID), got.ContactID, "ping", true); err != nil {
			t.Fatal(err)
		}
		f.eventually("the loop guard", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE status = 'failed' AND error LIKE 'loop guard%'`) == 1
		})
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != MaxDepth+1 {
			t.Fatalf("%d runs, want %d", n, MaxDepth+1)
		}
	})
}

// TestLoopGuardRefusalKeepsOncePerContact: a "trigger once per contact"
// workflow that the loop guard refuses for a contact has not run for it
// (the refusal says "it was not started"): the contact's next event
// outside the loop starts its one run. The refusal took the contact's
// once-per-contact mark, and the workflow never ran for it.
func TestLoopGuardRefusalKeepsOncePerContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy(`{"name": "vip", "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["vip"], "action": "added"},
			"once_per_contact": true}, "steps": [{"id": "n", "type": "add_comment", "settings": {"text": "vip"}}]}`)
		got := f.write("+14155550011", "hi")
		f.idle()
		// The tag added by the 10th run of a loop: its event is that deep.
		f.stop()
		if err := f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "vip", true); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO workflow_event_depth (event_id, depth) SELECT MAX(id), ? FROM events
				WHERE type = 'contact.tag.updated'`, MaxDepth)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.start()
		f.eventually("the loop guard", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = 'failed' AND error LIKE 'loop guard%'`, w.ID) == 1
		})
		// Later, by hand: the contact's one run.
		if err := f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "vip", false); err != nil {
			t.Fatal(err)
		}
		if err := f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "vip", true); err != nil {
			t.Fatal(err)
		}
		f.eventually("the contact's one run", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = 'finished'`, w.ID) == 1
		})
		// Once per contact still holds.
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "vip", false)
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "vip", true)
		f.idle()
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = 'finished'`, w.ID); n != 1 {
			t.Fatalf("%d runs finished, want 1 (once per contact)", n)
		}
	})
}
