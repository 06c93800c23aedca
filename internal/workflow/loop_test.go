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
		if _, err := f.svc.SaveDraft(ctx, f.wsp.ID, a.ID, la); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.wsp.ID, a.ID, 0); err != nil {
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
