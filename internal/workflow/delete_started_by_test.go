package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Deleting a workflow that another published workflow starts (Trigger
// Another Workflow) asks first, naming that workflow and step: deleted
// without a word, every run of the other failed at that step. With force
// it is deleted.
func TestDeletingAWorkflowAnotherStartsAsksFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		target := f.manual("Follow-up", `[{"id": "w", "type": "wait", "settings": {"seconds": 60}}]`)
		f.deploy(fmt.Sprintf(`{"name": "Inbound", "trigger": {"type": "manual"},
			"steps": [{"id": "handoff", "type": "trigger_workflow", "settings": {"workflow_id": %d}}]}`, target.ID))
		err := f.svc.DeleteChecked(ctx, f.wsp.ID, target.ID, false)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindConflict || !strings.Contains(e.Message, `workflow "Inbound" (step "handoff") starts this one`) {
			t.Fatalf("delete: %v, want a 409 naming the workflow and step that start it", err)
		}
		if _, err := f.svc.Get(ctx, f.wsp.ID, target.ID); err != nil {
			t.Fatalf("the refused delete deleted it: %v", err)
		}
		if err := f.svc.DeleteChecked(ctx, f.wsp.ID, target.ID, true); err != nil {
			t.Fatalf("delete with force: %v", err)
		}
		// One nobody starts goes at once.
		alone := f.manual("Alone", `[{"id": "w", "type": "wait", "settings": {"seconds": 60}}]`)
		if err := f.svc.DeleteChecked(ctx, f.wsp.ID, alone.ID, false); err != nil {
			t.Fatalf("delete a workflow nobody starts: %v", err)
		}
	})
}
