package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Workflow statuses, as the list shows them.
const (
	WorkflowDraft     = "draft"     // never published
	WorkflowPublished = "published" // a published version starts runs
	WorkflowStopped   = "stopped"   // published, but starts no runs
)

// Stats counts a workflow's runs.
type Stats struct {
	// Runs24h is how many runs started in the last 24 hours.
	Runs24h int `json:"runs_24h"`
	// Waiting is how many runs have not ended (running or waiting).
	Waiting int `json:"waiting"`
}

// summarize derives a workflow's trigger type and status.
func summarize(w Workflow) (trigger, status string) {
	switch {
	case w.Published != nil:
		trigger = w.Published.Trigger.Type
	case w.Draft != nil:
		trigger = w.Draft.Trigger.Type
	}
	switch {
	case w.PublishedVersion == 0:
		status = WorkflowDraft
	case w.Active:
		status = WorkflowPublished
	default:
		status = WorkflowStopped
	}
	return trigger, status
}

// addStats fills the Stats of a page of workflows with one query: the
// runs started in the last 24 hours, and those not ended (the partial
// index of migration 014 keeps the latter few).
func (s *Service) addStats(ctx context.Context, workspaceID int64, list []Workflow) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*Workflow, len(list))
	marks := make([]string, len(list))
	since := s.db.Now() - (24 * time.Hour).Milliseconds()
	args := []any{since, workspaceID}
	for i := range list {
		list[i].Stats = &Stats{}
		byID[list[i].ID] = &list[i]
		marks[i] = "?"
		args = append(args, list[i].ID)
	}
	args = append(args, since)
	rows, err := s.db.Reader().Query(ctx, `SELECT workflow_id,
			SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN ended_at = 0 THEN 1 ELSE 0 END)
		FROM workflow_runs WHERE workspace_id = ? AND workflow_id IN (`+strings.Join(marks, ", ")+`)
			AND (created_at >= ? OR ended_at = 0) AND is_test = 0
		GROUP BY workflow_id`, args...)
	if err != nil {
		return fmt.Errorf("workflow: list stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, recent, waiting int64
		if err := rows.Scan(&id, &recent, &waiting); err != nil {
			return fmt.Errorf("workflow: list stats: %w", err)
		}
		if w := byID[id]; w != nil {
			w.Stats.Runs24h, w.Stats.Waiting = int(recent), int(waiting)
		}
	}
	return rows.Err()
}

// Definition returns what the workflow is: its draft if it has one, else
// its published version.
func (w Workflow) Definition() Definition {
	if w.Draft != nil {
		return *w.Draft
	}
	if w.Published != nil {
		return *w.Published
	}
	return Definition{Name: w.Name, Description: w.Description}
}

// Duplicate copies a workflow's definition (its draft, else its published
// version) into a new workflow named "… (copy)": a draft, stopped.
func (s *Service) Duplicate(ctx context.Context, workspaceID, id int64) (Workflow, error) {
	w, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return w, err
	}
	d := w.Definition()
	d.Name = copyName(d.Name)
	return s.Create(ctx, workspaceID, d)
}

// copyName appends " (copy)", shortening the name to keep it storable.
func copyName(name string) string {
	const suffix = " (copy)"
	for utf8.RuneCountInString(name)+utf8.RuneCountInString(suffix) > MaxNameLen {
		r := []rune(name)
		name = string(r[:len(r)-1])
	}
	return name + suffix
}

// DeleteChecked deletes a workflow, refusing with a conflict while runs
// have not ended unless force, which stops them first (each stop is in
// its run's history, like a stop through the API). The files only it
// named go with it (see deleteTx).
func (s *Service) DeleteChecked(ctx context.Context, workspaceID, id int64, force bool) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM workflow_runs WHERE workspace_id = ? AND workflow_id = ? AND ended_at = 0`,
			workspaceID, id)
		if err != nil {
			return fmt.Errorf("workflow: delete: %w", err)
		}
		var live []int64
		for rows.Next() {
			var runID int64
			if err := rows.Scan(&runID); err != nil {
				rows.Close()
				return fmt.Errorf("workflow: delete: %w", err)
			}
			live = append(live, runID)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("workflow: delete: %w", err)
		}
		if !force {
			var why []string
			switch len(live) {
			case 0:
			case 1:
				why = append(why, "1 run is waiting; stop it first, or delete with force=true to stop it")
			default:
				why = append(why, fmt.Sprintf("%d runs are waiting; stop them first, or delete with force=true to stop them", len(live)))
			}
			ref, err := s.startedBy(ctx, tx, workspaceID, id)
			if err != nil {
				return err
			}
			if ref != "" {
				why = append(why, ref+"; remove that step first, or delete with force=true (the step then fails)")
			}
			if len(why) > 0 {
				return apperr.Conflict("%s", strings.Join(why, ". "))
			}
		}
		now := tx.Now()
		for _, runID := range live {
			r, err := loadRun(ctx, tx, runID)
			if err != nil {
				return err
			}
			if terminal(r.Status) {
				continue
			}
			if err := endRun(ctx, tx, &r, StatusStopped, "stopped: the workflow was deleted", now); err != nil {
				return err
			}
		}
		// Its test conversations close as the test panel's restart closes
		// them: once the workflow is gone no panel restarts them, and one
		// left open held the agent its test assigned for ever, hidden from
		// every list.
		testers, err := db.QueryIDs(ctx, tx, `SELECT contact_id FROM workflow_test_contacts WHERE workspace_id = ? AND workflow_id = ?`,
			workspaceID, id)
		if err != nil {
			return fmt.Errorf("workflow: delete: %w", err)
		}
		for _, c := range testers {
			conv, err := conversation.OpenOfTx(ctx, tx, workspaceID, c)
			if err != nil {
				return err
			}
			if conv.ID == 0 {
				continue
			}
			if err := conversation.CloseForMergeTx(ctx, tx, workspaceID, conv.ID, 0, DeletedTestSummary); err != nil {
				return err
			}
		}
		return deleteTx(ctx, tx, workspaceID, id)
	})
}

// DeletedTestSummary is the closing note of a test conversation whose
// workflow was deleted.
const DeletedTestSummary = "Test ended: the workflow was deleted"

// Template is a shipped workflow template, as the list of templates
// shows it.
type Template struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	TriggerType string `json:"trigger_type"`
	Steps       int    `json:"steps"`
}

// TemplateList lists the shipped templates.
func TemplateList() []Template {
	out := []Template{}
	for _, name := range Templates() {
		d, err := TemplateDefinition(name)
		if err != nil {
			continue
		}
		out = append(out, Template{Name: name, Title: d.Name, Description: d.Description, TriggerType: d.Trigger.Type, Steps: len(d.Steps)})
	}
	return out
}

// BlankDefinition is what a new blank workflow starts as: the engine
// wants at least one step, so it is a conversation-opened trigger with
// one message to edit.
func BlankDefinition() Definition {
	return Definition{
		Name:    "New workflow",
		Trigger: Trigger{Type: "conversation_opened", Conditions: []byte(`{"sources":["contact"]}`)},
		Steps:   []Step{{ID: "welcome", Type: "send_message", Settings: []byte(`{"text":"Hello {{contact.first_name}}!"}`)}},
	}
}

// CreateFrom creates a draft from a shipped template, or blank when
// template is empty.
func (s *Service) CreateFrom(ctx context.Context, workspaceID int64, template string) (Workflow, error) {
	d := BlankDefinition()
	if template != "" {
		var err error
		if d, err = TemplateDefinition(template); err != nil {
			return Workflow{}, apperr.Invalid("template", "no template %q", template)
		}
	}
	return s.Create(ctx, workspaceID, d)
}

// StepCount is how many runs took one exit of one step.
type StepCount struct {
	Step string `json:"step"`
	Exit string `json:"exit"`
	Runs int    `json:"runs"`
}

// StepStats are a workflow's per-step counts over a window.
type StepStats struct {
	Since time.Time   `json:"since"`
	Steps []StepCount `json:"steps"`
}

// StatsWindow is how far back Stats counts.
const StatsWindow = 7 * 24 * time.Hour

// StepStats counts, from the runs' step-by-step history, how many runs
// took each exit of each step over the last seven days (a run that took
// an exit twice, through a loop, counts once).
func (s *Service) StepStats(ctx context.Context, workspaceID, id int64) (StepStats, error) {
	if _, err := s.Get(ctx, workspaceID, id); err != nil {
		return StepStats{}, err
	}
	since := s.db.Now() - StatsWindow.Milliseconds()
	out := StepStats{Since: db.Time(since), Steps: []StepCount{}}
	// A run with a step in the window was saved in it: updated_at narrows
	// the runs before their steps are read.
	rows, err := s.db.Reader().Query(ctx, `SELECT st.step, st.exit, COUNT(DISTINCT st.run_id)
		FROM workflow_run_steps st JOIN workflow_runs r ON r.id = st.run_id
		WHERE r.workspace_id = ? AND r.workflow_id = ? AND r.updated_at >= ? AND st.at >= ? AND st.exit <> '' AND r.is_test = 0
		GROUP BY st.step, st.exit ORDER BY st.step, st.exit`, workspaceID, id, since, since)
	if err != nil {
		return out, fmt.Errorf("workflow: step stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c StepCount
		if err := rows.Scan(&c.Step, &c.Exit, &c.Runs); err != nil {
			return out, fmt.Errorf("workflow: step stats: %w", err)
		}
		out.Steps = append(out.Steps, c)
	}
	return out, rows.Err()
}

// startedBy names the published workflows of the workspace whose Trigger
// Another Workflow step starts workflow id ("" when none does): deleted,
// it would leave those steps failing at every run.
func (s *Service) startedBy(ctx context.Context, tx *db.Tx, workspaceID, id int64) (string, error) {
	rows, err := tx.Query(ctx, `SELECT id, name, published_version FROM workflows WHERE workspace_id = ? AND id <> ? AND published_version > 0`,
		workspaceID, id)
	if err != nil {
		return "", fmt.Errorf("workflow: delete: %w", err)
	}
	type published struct {
		id      int64
		name    string
		version int
	}
	var list []published
	for rows.Next() {
		var p published
		if err := rows.Scan(&p.id, &p.name, &p.version); err != nil {
			rows.Close()
			return "", fmt.Errorf("workflow: delete: %w", err)
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("workflow: delete: %w", err)
	}
	var names []string
	for _, p := range list {
		d, err := s.version(ctx, tx, p.id, p.version)
		if err != nil {
			return "", err
		}
		for _, st := range d.Steps {
			var t triggerWorkflow
			if st.Type == "trigger_workflow" && json.Unmarshal(st.Settings, &t) == nil && t.WorkflowID == id {
				names = append(names, fmt.Sprintf("%q (step %q)", p.name, st.ID))
				break
			}
		}
	}
	switch len(names) {
	case 0:
		return "", nil
	case 1:
		return "workflow " + names[0] + " starts this one", nil
	}
	return fmt.Sprintf("workflows %s and %d more start this one", names[0], len(names)-1), nil
}
