package workflow

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Run statuses.
const (
	StatusRunning           = "running"
	StatusWaitingReply      = "waiting_reply"
	StatusWaitingTimer      = "waiting_timer"
	StatusWaitingAssignment = "waiting_assignment"
	StatusFinished          = "finished"
	StatusFailed            = "failed"
	StatusStopped           = "stopped"
)

// RunStatuses lists every run status, for validating a filter.
var RunStatuses = []string{StatusRunning, StatusWaitingReply, StatusWaitingTimer, StatusWaitingAssignment,
	StatusFinished, StatusFailed, StatusStopped}

func terminal(status string) bool {
	return status == StatusFinished || status == StatusFailed || status == StatusStopped
}

// Run is one execution of a workflow version for a contact.
type Run struct {
	ID          int64 `json:"id"`
	WorkspaceID int64 `json:"workspace_id"`
	WorkflowID  int64 `json:"workflow_id"`
	Version     int   `json:"version"`
	ContactID   int64 `json:"contact_id,omitempty"`
	// ContactName is filled in lists, so a list names its contacts in one query.
	ContactName    string    `json:"contact_name,omitempty"`
	ConversationID int64     `json:"conversation_id,omitempty"`
	Status         string    `json:"status"`
	Step           string    `json:"step"`
	Data           runData   `json:"data"`
	WakeAt         time.Time `json:"wake_at,omitzero"`
	Depth          int       `json:"depth"`
	Error          string    `json:"error,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	EndedAt        time.Time `json:"ended_at,omitzero"`
	// Test: the run is a test contact's, from the Workflow Builder's test
	// panel; stats (and reports) leave such runs out.
	Test    bool    `json:"test"`
	History []Entry `json:"history,omitempty"`
}

// runData is a run's durable memory: variables, step outputs, trigger data
// and the counters steps need across resumptions.
type runData struct {
	Vars    map[string]any            `json:"vars"`
	Steps   map[string]map[string]any `json:"steps,omitempty"`
	Trigger map[string]any            `json:"trigger,omitempty"`
	// Attempts counts invalid answers at the current Ask a Question step.
	Attempts int `json:"attempts,omitempty"`
	// Jumps counts the jumps taken by each Jump To step.
	Jumps map[string]int `json:"jumps,omitempty"`
	// Input is what resumed a waiting run (an answer, an assignment),
	// consumed by the step it waits at.
	Input json.RawMessage `json:"input,omitempty"`
	// Pending names a step whose outside effect (an HTTP call, a
	// classification) may have happened before a crash: see engine.advance.
	Pending string `json:"pending,omitempty"`
	// WaitAfter is the last event id when the run began waiting for a
	// reply: a message older than the question is not its answer.
	WaitAfter int64 `json:"wait_after,omitempty"`
	// Executed counts steps, a guard against graphs that never end.
	Executed int `json:"executed"`
}

// decodeJSON decodes a run's data, or a body that becomes part of it,
// with its numbers as json.Number: a float64 has room for 15 to 17
// digits, so an 18-digit order id a webhook sent rendered in
// {{trigger.*}} with its last digits changed. Like json.Unmarshal it
// refuses anything after the value.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid character after top-level value")
	}
	return nil
}

const runColumns = `id, workspace_id, workflow_id, version, contact_id, conversation_id, status, step, data, wake_at, depth, error,
	created_at, updated_at, ended_at, is_test`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var data string
	var wake, created, updated, ended, test int64
	err := row.Scan(&r.ID, &r.WorkspaceID, &r.WorkflowID, &r.Version, &r.ContactID, &r.ConversationID, &r.Status, &r.Step,
		&data, &wake, &r.Depth, &r.Error, &created, &updated, &ended, &test)
	if err != nil {
		return r, err
	}
	if err := decodeJSON([]byte(data), &r.Data); err != nil {
		return r, fmt.Errorf("workflow: run %d data: %w", r.ID, err)
	}
	if r.Data.Vars == nil {
		r.Data.Vars = map[string]any{}
	}
	r.WakeAt, r.CreatedAt, r.UpdatedAt, r.EndedAt = db.Time(wake), db.Time(created), db.Time(updated), db.Time(ended)
	r.Test = test != 0
	return r, nil
}

// loadRun reads a run inside tx, locking its row on PostgreSQL so a step
// and a resumption (an answer, an assignment) serialise.
func loadRun(ctx context.Context, tx *db.Tx, id int64) (Run, error) {
	q := `SELECT ` + runColumns + ` FROM workflow_runs WHERE id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE`
	}
	r, err := scanRun(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("workflow run")
	}
	return r, err
}

// saveRun writes the run's state back.
func saveRun(ctx context.Context, tx *db.Tx, r *Run, now int64) error {
	return saveRunTo(ctx, tx, nil, r, now)
}

// saveRunTo is saveRun that queues its timeline event (the run's end) in
// lines, when not nil (see stepLines.flushEvents).
func saveRunTo(ctx context.Context, tx *db.Tx, lines *stepLines, r *Run, now int64) error {
	data, err := json.Marshal(r.Data)
	if err != nil {
		return fmt.Errorf("workflow: run data: %w", err)
	}
	ended := db.Millis(r.EndedAt)
	if terminal(r.Status) && ended == 0 {
		ended = now
		r.EndedAt = db.Time(now)
		// The one place a run ends, so the timeline hears of every end.
		p := map[string]any{"status": r.Status, "step": r.Step}
		if r.Error != "" {
			p["error"] = r.Error
		}
		if err := timelineEventTo(ctx, tx, lines, r, event.WorkflowRunEnded, p); err != nil {
			return err
		}
	}
	// A run that stops running gives its lease back in the same write.
	lease := "lease_until"
	if r.Status != StatusRunning {
		lease = "0"
	}
	_, err = tx.Exec(ctx, `UPDATE workflow_runs SET status = ?, step = ?, data = ?, wake_at = ?, conversation_id = ?, error = ?,
		updated_at = ?, ended_at = ?, lease_until = `+lease+` WHERE id = ?`,
		r.Status, r.Step, string(data), db.Millis(r.WakeAt), r.ConversationID, r.Error, now, ended, r.ID)
	if err != nil {
		return fmt.Errorf("workflow: save run %d: %w", r.ID, err)
	}
	// A waiting run with a deadline (a timer, a question's timeout) is due
	// then; a running one is either driven by the node that saves it or
	// made due by its caller (see resumeWaiting).
	if r.Status != StatusRunning && !terminal(r.Status) && !r.WakeAt.IsZero() {
		tx.Due(DueKind, db.Millis(r.WakeAt))
	}
	return nil
}

// newRun describes a run to start.
type newRun struct {
	workspaceID, workflowID   int64
	version                   int
	step                      string // the version's first step
	contactID, conversationID int64
	depth                     int
	triggerEventID            int64
	trigger                   map[string]any
	vars                      map[string]any // initial named variables
	failWith                  string         // start it failed, with this error (the loop guard)
	oncePerContact            bool
	// staged: the caller, the consumer's batch, makes the run due itself
	// unless it runs its first chain (see stage).
	staged bool
	data   []byte // its data as stored, set by insertRun
}

// insertRun creates a runnable run (due now) inside tx. It returns 0
// without error when the run must not start: a replayed event, or a
// contact the workflow already ran for under "trigger once per contact".
func insertRun(ctx context.Context, tx *db.Tx, n newRun, now int64) (int64, error) {
	return insertRunOf(ctx, tx, &n, now)
}

// insertRunOf is insertRun, which also sets n.data.
func insertRunOf(ctx context.Context, tx *db.Tx, n *newRun, now int64) (int64, error) {
	// A run the loop guard refuses was not started: it leaves the
	// contact's one run to come.
	if n.oncePerContact && n.contactID != 0 && n.failWith == "" {
		res, err := tx.Exec(ctx, `INSERT INTO workflow_contacts (workflow_id, contact_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			n.workflowID, n.contactID)
		if err != nil {
			return 0, fmt.Errorf("workflow: once per contact: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return 0, nil
		}
	}
	if n.vars == nil {
		n.vars = map[string]any{}
	}
	data, _ := json.Marshal(runData{Vars: n.vars, Trigger: n.trigger})
	n.data = data
	status, wake, ended := StatusRunning, now, int64(0)
	if n.failWith != "" {
		status, wake, ended = StatusFailed, 0, now
	}
	var id int64
	// A test contact's run is a test run (migration 023).
	err := tx.QueryRow(ctx, `INSERT INTO workflow_runs (workspace_id, workflow_id, version, contact_id, conversation_id, status, step, data,
		wake_at, depth, trigger_event_id, error, created_at, updated_at, ended_at, is_test, start_seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE((SELECT is_test FROM contacts WHERE id = ?), 0),
			(SELECT last_seq FROM conversations WHERE id = ?))
		ON CONFLICT (workflow_id, trigger_event_id) WHERE trigger_event_id IS NOT NULL DO NOTHING RETURNING id`,
		n.workspaceID, n.workflowID, n.version, n.contactID, n.conversationID, status, n.step, string(data), wake, n.depth,
		sql.NullInt64{Int64: n.triggerEventID, Valid: n.triggerEventID != 0}, n.failWith, now, now, ended, n.contactID,
		n.conversationID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// A replayed event: its run exists (the unique index
		// workflow_runs_trigger), whichever node inserted it.
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("workflow: start run: %w", err)
	}
	if status == StatusRunning && !n.staged {
		tx.Due(DueKind, wake)
	}
	r := &Run{ID: id, WorkspaceID: n.workspaceID, WorkflowID: n.workflowID, Version: n.version,
		ContactID: n.contactID, ConversationID: n.conversationID}
	if n.failWith != "" {
		if err := logStep(ctx, tx, r, Entry{Step: "", Type: "trigger", Error: n.failWith}, now); err != nil {
			return 0, err
		}
		return id, nil
	}
	if err := timelineEvent(ctx, tx, r, event.WorkflowRunStarted, map[string]any{"step": n.step}); err != nil {
		return 0, err
	}
	return id, nil
}
