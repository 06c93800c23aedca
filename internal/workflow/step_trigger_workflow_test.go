package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestTriggerWorkflow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		target := f.deploy(`{"name": "Target", "trigger": {"type": "manual", "once_per_contact": true},
			"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "from the target, started by {{trigger.workflow_id}}"}}]}`)
		steps := fmt.Sprintf(`[{"id": "go", "type": "trigger_workflow", "settings": {"workflow_id": %d}, "exits": {"next": "again"}},
			{"id": "again", "type": "trigger_workflow", "settings": {"workflow_id": %d}}]`, target.ID, target.ID)
		run, conv := f.runSteps(steps)
		if run.Status != StatusFinished {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
		f.eventually("the target's message", func() bool { return len(f.outTexts(conv)) == 1 })
		if got := f.outTexts(conv)[0]; got != fmt.Sprintf("from the target, started by %d", run.WorkflowID) {
			t.Fatalf("sent %q", got)
		}
		// Once per contact: the second start is skipped, not an error.
		if !strings.Contains(run.History[1].Outcome, "once per contact") {
			t.Fatalf("history %+v", run.History)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, target.ID); n != 1 {
			t.Fatalf("%d target runs", n)
		}
		// A workflow without a manual trigger cannot be started.
		tagged := f.deploy(`{"name": "Tagged", "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["never"]}},
			"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "never"}}]}`)
		run, _ = f.runSteps(fmt.Sprintf(`[{"id": "go", "type": "trigger_workflow", "settings": {"workflow_id": %d}}]`, tagged.ID))
		if run.Status != StatusFailed || !strings.Contains(run.Error, "manual trigger") {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
	})
}
