package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
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
	return logStepTo(ctx, tx, nil, r, e, now)
}

// endRun ends r from outside its steps (a stop, a deleted workflow, a
// deleted contact) with status and says why in its history. Its
// conversation may have been deleted with its contact before the engine
// read it: the line then goes to no conversation's timeline, or the end
// failed for want of it.
func endRun(ctx context.Context, tx *db.Tx, r *Run, status, outcome string, now int64) error {
	if r.ConversationID != 0 {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM conversations WHERE id = ?`, r.ConversationID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			r.ConversationID = 0
		}
	}
	if err := logStep(ctx, tx, r, Entry{Step: r.Step, Type: "end", Outcome: outcome}, now); err != nil {
		return err
	}
	r.Status, r.WakeAt = status, db.Time(0)
	return saveRun(ctx, tx, r, now)
}

// logStepTo is logStep that queues the history line in lines, when not
// nil, to be inserted with the others of the transaction by lines.flush.
func logStepTo(ctx context.Context, tx *db.Tx, lines *stepLines, r *Run, e Entry, now int64) error {
	input := string(e.Input)
	if input == "" {
		input = "{}"
	}
	row := []any{r.ID, e.Step, e.Type, input, e.Outcome, e.Exit, e.Error, now}
	if lines != nil {
		lines.rows = append(lines.rows, row)
	} else if _, err := tx.Exec(ctx, insertStepLine+stepLineRow, row...); err != nil {
		return fmt.Errorf("workflow: log step: %w", err)
	}
	return timelineEventTo(ctx, tx, lines, r, event.WorkflowStep, stepPayload(e))
}

// The statement that inserts history lines, and one row of it.
const (
	insertStepLine = `INSERT INTO workflow_run_steps (run_id, step, type, input, outcome, exit, error, at) VALUES `
	stepLineRow    = `(?, ?, ?, ?, ?, ?, ?, ?)`
)

// maxStepLines bounds the rows of one multi-row INSERT of history lines
// (PostgreSQL allows 65,535 parameters a statement).
const maxStepLines = 1000

// stepLines are history lines queued in a transaction: the history of a
// chain of steps is written with one multi-row INSERT, not one per step,
// since statements are what the single writer spends its time on. Ids
// still follow the order of the queue, so a run's history stays in order.
type stepLines struct {
	rows [][]any
	// events are timeline events queued too (see flushEvents).
	events []event.New
}

// flushEvents appends the queued timeline events, in order, taking their
// conversation's sequence numbers with one UPDATE per conversation for all
// of them instead of one per event (event.Append's). A chain appends them
// before a step that may append a conversation's event of its own (one not
// in convQuietSteps) and at its end, so each conversation's events keep
// the order in which they happened.
func (l *stepLines) flushEvents(ctx context.Context, tx *db.Tx) error {
	if len(l.events) == 0 {
		return nil
	}
	next := map[int64]int64{} // conversation -> its events queued, then the next number to give
	var convs []int64
	for _, ev := range l.events {
		if next[ev.ConversationID] == 0 {
			convs = append(convs, ev.ConversationID)
		}
		next[ev.ConversationID]++
	}
	for _, c := range convs {
		var last int64
		if err := tx.QueryRow(ctx, `UPDATE conversations SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq`,
			next[c], c).Scan(&last); err != nil {
			return fmt.Errorf("workflow: sequence numbers of conversation %d: %w", c, err)
		}
		next[c] = last - next[c] + 1
	}
	for _, ev := range l.events {
		ev.Seq = next[ev.ConversationID]
		next[ev.ConversationID]++
		if _, err := event.Append(ctx, tx, ev); err != nil {
			return err
		}
	}
	l.events = l.events[:0]
	return nil
}

// takeFor returns the queued timeline events for a send on conversation
// conv to append before its message (conversation.SendInput.Before), when
// every queued event is that conversation's (nil otherwise: they are
// appended by flushEvents, before the send). After the send succeeded,
// taken drops them from the queue; a failed send leaves them queued. The
// slice is the queue's own: the send reads it before taken reuses it.
func (l *stepLines) takeFor(conv int64) []event.New {
	if l == nil || len(l.events) == 0 {
		return nil
	}
	for _, ev := range l.events {
		if ev.ConversationID != conv {
			return nil
		}
	}
	return l.events
}

// taken drops the first n queued events, appended by a send.
func (l *stepLines) taken(n int) {
	if n > 0 {
		l.events = l.events[:copy(l.events, l.events[n:])]
	}
}

// flush inserts the queued lines and appends the queued events.
func (l *stepLines) flush(ctx context.Context, tx *db.Tx) error {
	if err := l.flushEvents(ctx, tx); err != nil {
		return err
	}
	for len(l.rows) > 0 {
		n := min(len(l.rows), maxStepLines)
		args := make([]any, 0, n*len(l.rows[0]))
		for _, row := range l.rows[:n] {
			args = append(args, row...)
		}
		q := insertStepLine + strings.TrimSuffix(strings.Repeat(stepLineRow+", ", n), ", ")
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("workflow: log steps: %w", err)
		}
		l.rows = l.rows[n:]
	}
	return nil
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
	Status string // one status, or "" for all
}

// OrderRuns names the order of a run list (newest first) in its cursors.
const OrderRuns = "runs"

// ListRuns returns a page of a workflow's runs, newest first.
func (s *Service) ListRuns(ctx context.Context, workspaceID, workflowID int64, f RunFilter, req page.Request) (page.Page[Run], error) {
	if _, err := s.Get(ctx, workspaceID, workflowID); err != nil {
		return page.Page[Run]{}, err
	}
	if f.Status != "" && !slices.Contains(RunStatuses, f.Status) {
		return page.Page[Run]{}, apperr.BadRequest("status must be one of %s", strings.Join(RunStatuses, ", "))
	}
	after, args := req.ByID("id", true)
	q := `SELECT ` + runColumns + ` FROM workflow_runs WHERE workflow_id = ? AND ` + after
	args = append([]any{workflowID}, args...)
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, req.Fetch())
	rows, err := s.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return page.Page[Run]{}, fmt.Errorf("workflow: list runs: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Run, error) { return scanRun(rows) })
	if err == nil {
		err = s.nameContacts(ctx, workspaceID, list)
	}
	if err != nil {
		return page.Page[Run]{}, fmt.Errorf("workflow: list runs: %w", err)
	}
	return page.Cut(list, req.Limit, func(r Run) page.Cursor { return page.Cursor{Order: OrderRuns, ID: r.ID} }), nil
}

// nameContacts fills each run's ContactName with one query for the page.
func (s *Service) nameContacts(ctx context.Context, workspaceID int64, runs []Run) error {
	ids := map[int64]bool{}
	args := []any{workspaceID}
	for _, r := range runs {
		if r.ContactID != 0 && !ids[r.ContactID] {
			ids[r.ContactID] = true
			args = append(args, r.ContactID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT id, first_name, last_name, COALESCE(phone, ''), COALESCE(email, '') FROM contacts
		WHERE workspace_id = ? AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var first, last, phone, email string
		if err := rows.Scan(&id, &first, &last, &phone, &email); err != nil {
			return err
		}
		names[id] = conversation.DisplayName(first, last, phone, email)
	}
	for i := range runs {
		runs[i].ContactName = names[runs[i].ContactID]
	}
	return rows.Err()
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
