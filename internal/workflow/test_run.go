package workflow

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// StartTestRun starts a run of the workflow's published version for its
// test contact (the Workflow Builder's test panel, "Run now"), whatever its
// trigger and even while it is stopped: the trigger's conditions are not
// evaluated, as a person asked for the run. The contact must be the
// workflow's test contact (workflow_test_contacts).
func (s *Service) StartTestRun(ctx context.Context, workspaceID, workflowID, contactID, userID int64) (Run, error) {
	w, err := s.Get(ctx, workspaceID, workflowID)
	if err != nil {
		return Run{}, err
	}
	if w.Published == nil {
		return Run{}, apperr.Conflict("workflow %d has no published version to test: publish it first", workflowID)
	}
	d := w.Published
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		testOf, err := testWorkflowOf(ctx, tx, contactID)
		if err != nil {
			return err
		}
		if testOf != workflowID {
			return apperr.Invalid("contact_id", "contact %d is not this workflow's test contact", contactID)
		}
		conv, err := conversation.OpenOfTx(ctx, tx, workspaceID, contactID)
		if err != nil {
			return err
		}
		if conv.ID == 0 {
			// The run's messages need a conversation: the tester opens one
			// on the test channel (the contact's only identity).
			if conv, err = conversation.OpenTx(ctx, tx, workspaceID, conversation.OpenInput{ContactID: contactID,
				Source: conversation.SourceUser, UserID: userID}); err != nil {
				return err
			}
		}
		trigger := map[string]any{"type": d.Trigger.Type, "user_id": userID, "test": true}
		id, err = insertRun(ctx, tx, newRun{workspaceID: workspaceID, workflowID: workflowID, version: w.PublishedVersion,
			step: d.first(), contactID: contactID, conversationID: conv.ID, trigger: trigger}, s.db.Now())
		return err
	})
	if err != nil {
		return Run{}, err
	}
	r, err := s.GetRun(ctx, workspaceID, workflowID, id)
	if err != nil {
		return r, fmt.Errorf("workflow: started test run: %w", err)
	}
	return r, nil
}

// StopTestRuns stops the runs of a test contact that have not ended, and
// forgets which once-per-contact workflows it ran, so the test panel
// starts over cleanly. It returns how many runs it stopped.
func (s *Service) StopTestRuns(ctx context.Context, workspaceID, contactID int64) (int, error) {
	n := 0
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		n = 0
		ids, err := db.QueryIDs(ctx, tx, `SELECT id FROM workflow_runs WHERE workspace_id = ? AND contact_id = ? AND is_test = 1 AND ended_at = 0`,
			workspaceID, contactID)
		if err != nil {
			return err
		}
		// A test starts over: a once-per-contact workflow may run for the
		// test contact again (test contacts only: a real one's mark is
		// the promise once-per-contact makes).
		if _, err := tx.Exec(ctx, `DELETE FROM workflow_contacts WHERE contact_id = ?
			AND contact_id IN (SELECT id FROM contacts WHERE id = ? AND workspace_id = ? AND is_test = 1)`, contactID, contactID, workspaceID); err != nil {
			return err
		}
		now := tx.Now()
		for _, id := range ids {
			r, err := loadRun(ctx, tx, id)
			if err != nil {
				return err
			}
			if terminal(r.Status) {
				continue
			}
			if err := endRun(ctx, tx, &r, StatusStopped, "stopped: the test was restarted", now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("workflow: stop test runs: %w", err)
	}
	return n, nil
}
