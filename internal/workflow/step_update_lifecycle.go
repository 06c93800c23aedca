package workflow

import (
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/contact"
)

func init() { register("update_lifecycle", func() stepImpl { return &updateLifecycle{} }) }

// updateLifecycle moves the contact to a lifecycle stage ("" clears it).
type updateLifecycle struct {
	Stage string `json:"stage,omitempty"` // empty clears it
}

func (s *updateLifecycle) check(*checker) {}

func (s *updateLifecycle) exits() []string { return []string{"next", "failure"} }

func (s *updateLifecycle) exec(x *execution) (result, error) {
	if x.run.ContactID == 0 {
		return result{}, fmt.Errorf("the run has no contact")
	}
	stage := x.text(s.Stage)
	x.log("stage", stage)
	if err := contact.UpdateTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID, contact.Input{LifecycleStage: &stage}); err != nil {
		return result{}, err
	}
	return next("lifecycle stage " + stage), nil
}
