package workflow

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Publish freezes the draft into a new immutable version, which new runs
// use from then on; runs in flight finish on the version they started.
// An invalid draft is refused with every problem named. e.By is the user
// who publishes (0: the system, or a token without a user), recorded on
// the version with their name as it is now; a publish based on a revision
// the draft has left (e.IfRevision: the draft as the client saw it) is a
// draft_changed conflict and changes nothing.
func (s *Service) Publish(ctx context.Context, workspaceID, id int64, e Edit) (Workflow, error) {
	// The draft is read as stored, so that the write below can tell
	// whether it is still the draft: a save (or another publish) landing
	// between this read and that write was wiped by clearing the draft
	// (or published the same draft twice).
	state, err := loadDraftState(ctx, s.db.Reader(), workspaceID, id)
	if err != nil {
		return Workflow{}, err
	}
	if err := state.check(id, e); err != nil {
		return Workflow{}, err
	}
	draft := state.draft
	if draft == "" {
		return Workflow{}, apperr.Conflict("workflow %d has no unpublished draft", id)
	}
	d, err := ParseDefinition([]byte(draft))
	if err != nil {
		return Workflow{}, err
	}
	if _, err := Validate(&d); err != nil {
		return Workflow{}, err
	}
	next, err := nextFire(ctx, s.db.Reader(), workspaceID, d, s.db.Now())
	if err != nil {
		return Workflow{}, err
	}
	body, _ := json.Marshal(d)
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var version int
		err := tx.QueryRow(ctx, `SELECT published_version FROM workflows WHERE workspace_id = ? AND id = ?`,
			workspaceID, id).Scan(&version)
		if err != nil {
			return notFound(err, "workflow")
		}
		state, err := loadDraftState(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if err := state.check(id, e); err != nil {
			return err
		}
		switch current := state.draft; {
		case current == "":
			return apperr.Conflict("workflow %d has no unpublished draft: it was published meanwhile", id)
		case current != draft:
			return apperr.Conflict("the draft of workflow %d was saved again while it was being published; publish again", id)
		}
		version++
		publisher, name, err := editor(ctx, tx, workspaceID, e)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO workflow_versions (workflow_id, version, definition, published_at, published_by, published_by_name)
			VALUES (?, ?, ?, ?, ?, ?)`, id, version, string(body), tx.Now(), publisher, name); err != nil {
			return fmt.Errorf("workflow: publish: %w", err)
		}
		if next > 0 {
			tx.Due(DueKind, next)
		}
		// Publishing changes the draft too (it is now the version): a
		// save based on the revision before is refused, as it would
		// start a new draft from what the publisher did not see.
		_, err = tx.Exec(ctx, `UPDATE workflows SET draft = '', published_version = ?, trigger_type = ?, next_fire_at = ?, updated_at = ?,
			draft_revision = draft_revision + 1, draft_saved_at = ?, draft_saved_by = ?, draft_saved_by_name = ?
			WHERE id = ?`, version, d.Trigger.Type, next, tx.Now(), tx.Now(), publisher, name, id)
		if err != nil {
			return err
		}
		// The draft's files are the version's now; those an earlier
		// save left linked for a version are looked at again.
		return syncMediaTx(ctx, tx, workspaceID, id, body)
	})
	if err != nil {
		if apperr.KindOf(err) != "" {
			return Workflow{}, err
		}
		return Workflow{}, fmt.Errorf("workflow: publish: %w", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// SetActive starts (true) or stops (false) a workflow. A stopped workflow
// starts no new runs; its runs in flight continue to their end.
func (s *Service) SetActive(ctx context.Context, workspaceID, id int64, active bool) (Workflow, error) {
	w, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return w, err
	}
	if active && w.PublishedVersion == 0 {
		return w, apperr.Conflict("workflow %d has no published version to run; publish it first", id)
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if active && !w.Active && w.Published != nil {
			// A schedule's next firing was set when it was published or
			// last fired: one that fell while the workflow was stopped is
			// missed, not fired at once when it starts, at an hour its cron
			// never named. The next firing is the first after now.
			next, err := nextFire(ctx, tx, workspaceID, *w.Published, tx.Now())
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE workflows SET next_fire_at = ? WHERE id = ?`, next, id); err != nil {
				return err
			}
		}
		if active {
			tx.Due(DueKind, 0) // its schedule may be due
		}
		_, err := tx.Exec(ctx, `UPDATE workflows SET active = ?, updated_at = ? WHERE id = ?`, db.Bool(active), tx.Now(), id)
		return err
	})
	if err != nil {
		return w, fmt.Errorf("workflow: set active: %w", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// StopRun stops a run that has not ended.
func (s *Service) StopRun(ctx context.Context, workspaceID, workflowID, runID int64) (Run, error) {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		r, err := loadRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		if r.WorkspaceID != workspaceID || r.WorkflowID != workflowID {
			return apperr.NotFound("workflow run")
		}
		if terminal(r.Status) {
			return apperr.Conflict("run %d has already ended (%s)", runID, r.Status)
		}
		return endRun(ctx, tx, &r, StatusStopped, "stopped through the API", tx.Now())
	})
	if err != nil {
		return Run{}, err
	}
	return s.GetRun(ctx, workspaceID, workflowID, runID)
}
