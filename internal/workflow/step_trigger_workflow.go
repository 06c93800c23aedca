package workflow

import (
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

func init() { register("trigger_workflow", func() stepImpl { return &triggerWorkflow{} }) }

// triggerWorkflow starts a run of another (active, manual-trigger)
// workflow for the same contact and conversation. The started run is one
// level deeper; past MaxDepth the loop guard refuses it, so workflows that
// start each other cannot run forever.
type triggerWorkflow struct {
	WorkflowID int64 `json:"workflow_id" ref:"workflow"`
}

func (s *triggerWorkflow) check(c *checker) {
	if s.WorkflowID <= 0 {
		c.add("settings.workflow_id", "is required")
	}
}

func (s *triggerWorkflow) exits() []string { return []string{"next", "failure"} }

func (s *triggerWorkflow) exec(x *execution) (result, error) {
	var version int
	var trigger string
	var active int
	err := x.tx.QueryRow(x.ctx, `SELECT published_version, trigger_type, active FROM workflows WHERE workspace_id = ? AND id = ?`,
		x.run.WorkspaceID, s.WorkflowID).Scan(&version, &trigger, &active)
	if err != nil {
		return result{}, notFound(err, fmt.Sprintf("workflow %d", s.WorkflowID))
	}
	if trigger != "manual" || active != 1 {
		return result{}, apperr.Conflict("workflow %d is not an active workflow with a manual trigger", s.WorkflowID)
	}
	d, err := x.e.svc.version(x.ctx, x.tx, s.WorkflowID, version)
	if err != nil {
		return result{}, err
	}
	depth := x.run.Depth + 1
	if depth >= MaxDepth {
		return result{}, fmt.Errorf("%s", loopGuardError(depth))
	}
	id, err := insertRun(x.ctx, x.tx, newRun{workspaceID: x.run.WorkspaceID, workflowID: s.WorkflowID, version: version,
		step: d.first(), contactID: x.run.ContactID, conversationID: x.run.ConversationID, depth: depth,
		trigger:        map[string]any{"type": "manual", "workflow_id": x.run.WorkflowID, "run_id": x.run.ID},
		oncePerContact: d.Trigger.OncePerContact}, db.Millis(x.now))
	if err != nil {
		return result{}, err
	}
	if id == 0 {
		return next(fmt.Sprintf("workflow %d already ran for this contact (once per contact)", s.WorkflowID)), nil
	}
	return result{exit: "next", outcome: fmt.Sprintf("started run %d of workflow %d", id, s.WorkflowID), output: map[string]any{"run_id": id}}, nil
}
