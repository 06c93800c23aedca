package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Entry is one line of a run's step-by-step history: the step, what it
// was given, what it did, the exit it took, and any error.
type Entry struct {
	ID      int64           `json:"id"`
	Step    string          `json:"step"`
	Type    string          `json:"type"`
	Input   json.RawMessage `json:"input,omitempty"`
	Outcome string          `json:"outcome,omitempty"`
	Exit    string          `json:"exit,omitempty"`
	Error   string          `json:"error,omitempty"`
	At      time.Time       `json:"at"`
	// Output is what the step produced, told in the conversation's
	// timeline; the run keeps it in its data, so history does not store it.
	Output map[string]any `json:"-"`
}

// logStep appends an entry to a run's history inside tx and tells the
// run's conversation, if it has one, in its timeline.
func logStep(ctx context.Context, tx *db.Tx, r *Run, e Entry, now int64) error {
	runID := r.ID
	input := string(e.Input)
	if input == "" {
		input = "{}"
	}
	_, err := tx.Exec(ctx, `INSERT INTO workflow_run_steps (run_id, step, type, input, outcome, exit, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, e.Step, e.Type, input, e.Outcome, e.Exit, e.Error, now)
	if err != nil {
		return fmt.Errorf("workflow: log step: %w", err)
	}
	return timelineEvent(ctx, tx, r, event.WorkflowStep, stepPayload(e))
}

// history reads a run's entries in order.
func history(ctx context.Context, q db.Querier, runID int64) ([]Entry, error) {
	rows, err := q.Query(ctx, `SELECT id, step, type, input, outcome, exit, error, at FROM workflow_run_steps WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("workflow: history: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var input string
		var at int64
		if err := rows.Scan(&e.ID, &e.Step, &e.Type, &input, &e.Outcome, &e.Exit, &e.Error, &at); err != nil {
			return nil, fmt.Errorf("workflow: history: %w", err)
		}
		e.Input, e.At = json.RawMessage(input), db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// RunFilter narrows a listing of runs.
type RunFilter struct {
	After  int64  // cursor: runs with a smaller id (newest first)
	Limit  int    // at most 200
	Status string // one status, or "" for all
}

// ListRuns returns a workflow's runs, newest first.
func (s *Service) ListRuns(ctx context.Context, workspaceID, workflowID int64, f RunFilter) ([]Run, error) {
	if _, err := s.Get(ctx, workspaceID, workflowID); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Status != "" && !slices.Contains(RunStatuses, f.Status) {
		return nil, apperr.BadRequest("status must be one of %s", strings.Join(RunStatuses, ", "))
	}
	q := `SELECT ` + runColumns + ` FROM workflow_runs WHERE workflow_id = ?`
	args := []any{workflowID}
	if f.After > 0 {
		q += ` AND id < ?`
		args = append(args, f.After)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("workflow: list runs: %w", err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetRun returns a run with its history.
func (s *Service) GetRun(ctx context.Context, workspaceID, workflowID, runID int64) (Run, error) {
	r, err := scanRun(s.db.Reader().QueryRow(ctx, `SELECT `+runColumns+` FROM workflow_runs WHERE workspace_id = ? AND workflow_id = ? AND id = ?`,
		workspaceID, workflowID, runID))
	if err != nil {
		return r, notFound(err, "workflow run")
	}
	r.History, err = history(ctx, s.db.Reader(), r.ID)
	return r, err
}
