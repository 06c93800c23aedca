package workflow

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// StartInput starts a run of a manual or shortcut workflow by hand (an
// agent's shortcut in the inbox, or the API).
type StartInput struct {
	ContactID int64          `json:"contact_id"`
	Inputs    map[string]any `json:"inputs,omitempty"` // a shortcut's form
	UserID    int64          `json:"-"`
	// Role is the role of whoever starts it: agents run shortcuts from the
	// inbox; manual workflows are for managers and owners.
	Role string `json:"-"`
}

// StartRun starts a run for a contact; a shortcut's form inputs become
// named variables. It returns the run.
func (s *Service) StartRun(ctx context.Context, workspaceID, workflowID int64, in StartInput) (Run, error) {
	ctx = db.WithWorkspace(ctx, workspaceID) // its writes in its workspace's lane of the writer
	w, err := s.Get(ctx, workspaceID, workflowID)
	if err != nil {
		return Run{}, err
	}
	if w.Published == nil || !w.Active {
		return Run{}, apperr.Conflict("workflow %d is not active", workflowID)
	}
	d := w.Published
	if d.Trigger.Type != "manual" && d.Trigger.Type != "shortcut" {
		return Run{}, apperr.Conflict("workflow %d has a %s trigger; only manual and shortcut workflows start by hand", workflowID, d.Trigger.Type)
	}
	if in.Role == workspace.RoleAgent && d.Trigger.Type != "shortcut" {
		return Run{}, apperr.Forbidden("agents run shortcut workflows only; a manual workflow is started by a manager or an owner")
	}
	vars, inputs := map[string]any{}, in.Inputs
	if d.Trigger.Type == "shortcut" {
		// {{trigger.inputs.*}} holds what {{var.*}} holds: the inputs
		// as their types clean them, not as they were typed.
		inputs = vars
		var t shortcutTrigger
		if err := decodeSettings(d.Trigger.Conditions, &t); err != nil {
			return Run{}, err
		}
		declared := map[string]bool{}
		for _, f := range t.Inputs {
			declared[f.Name] = true
		}
		for _, name := range slices.Sorted(maps.Keys(in.Inputs)) {
			if !declared[name] {
				return Run{}, apperr.Invalid("inputs."+name, "is not an input of this shortcut")
			}
		}
		for _, f := range t.Inputs {
			v, ok := in.Inputs[f.Name]
			if f.Required && (!ok || stringify(v) == "") {
				return Run{}, apperr.Invalid("inputs."+f.Name, "is required")
			}
			if ok && f.Type != "" && f.Type != "text" && stringify(v) != "" {
				// Checked and written in its normal form as a question's
				// answer of that type is: the form's types are a promise
				// the steps after it rely on.
				parsed, problem := parseAnswer(&askQuestion{Type: f.Type}, stringify(v))
				if problem != "" {
					return Run{}, apperr.Invalid("inputs."+f.Name, "%s", problem)
				}
				v = parsed
			}
			if ok {
				vars[f.Name] = v
			}
		}
	}
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := contact.GetTx(ctx, tx, workspaceID, in.ContactID); err != nil {
			return apperr.Invalid("contact_id", "no contact %d in this workspace", in.ContactID)
		}
		conv, err := conversation.OpenOfTx(ctx, tx, workspaceID, in.ContactID)
		if err != nil {
			return err
		}
		trigger := map[string]any{"type": d.Trigger.Type, "user_id": in.UserID, "inputs": inputs}
		id, err = insertRun(ctx, tx, newRun{workspaceID: workspaceID, workflowID: workflowID, version: w.PublishedVersion,
			step: d.first(), contactID: in.ContactID, conversationID: conv.ID, trigger: trigger,
			oncePerContact: d.Trigger.OncePerContact, vars: vars}, s.db.Now())
		return err
	})
	if err != nil {
		return Run{}, err
	}
	if id == 0 {
		return Run{}, apperr.Conflict("workflow %d already ran for contact %d (trigger once per contact)", workflowID, in.ContactID)
	}
	r, err := s.GetRun(ctx, workspaceID, workflowID, id)
	if err != nil {
		return r, fmt.Errorf("workflow: started run: %w", err)
	}
	return r, nil
}
