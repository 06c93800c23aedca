package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A stage of a run is what one event makes it do: its start (the event
// that triggers it) up to the first wait, or its resumption (an answer, an
// assignment) up to the next. The consumer's batch that starts or resumes
// a run also runs that chain of steps, in its own transaction, instead of
// making the run due for the timer, whose claim, read and step
// transaction were each a write of their own (and the resumption's save
// one more). The chains run once every event of the batch is handled, in
// the order the events made them: each event is handled as it was when
// the chains ran after the batch committed (a run resumed or started by
// the batch is running, not waiting, for the events after it), and no
// run starts to wait while the batch's events are handled (see
// lookupWaiting).
//
// A run's chain runs there only where its door allows it: on SQLite both
// doors are the one writer; on PostgreSQL the consumer's transaction is a
// concurrent one, so a chain that may reach a step that needs the
// exclusive door (see chainConcurrent) is left to the timer, as is one
// that starts with an effect outside the database (an HTTP call), which
// happens before its transaction. Exactly once holds as in advance: the
// run is the batch's own (inserted by it, or resumed from a row it read
// waiting and locked, FOR NO KEY UPDATE on PostgreSQL), and the consumer's
// cursor moves in the same transaction.
//
// A step that fails in a staged chain fails the batch's transaction with
// event.ErrHandleAgain, and the run is remembered (unstaged): the batch
// runs again at once, and that run is made due for the timer as before,
// whose transaction runs the chain alone and records the failure (the
// step's failure exit, or the run failed) without failing the batch.
type stage struct {
	runs []stagedRun
	ids  map[int64]bool // the staged runs
}

type stagedRun struct {
	run Run
	d   *Definition
	key stageKey
}

// stageKey names a staged run across the retries of its batch: a started
// one by its workflow and trigger event (its id is new on each try), a
// resumed one by its id.
type stageKey struct{ workflow, event, run int64 }

// staged says whether run id is staged in s: its row still says it waits,
// but it is running (see resumeWaiting).
func (s *stage) staged(id int64) bool { return s != nil && s.ids[id] }

// stageable says whether the chain of r's step may run in tx, the
// consumer's batch (see stage): not when a failure in an earlier try of
// the batch unstaged it.
func (e *Engine) stageable(tx *db.Tx, d *Definition, r Run, key stageKey) bool {
	if _, failed := e.unstaged.Load(key); failed {
		// Forgotten once a try that leaves it out commits: until then each
		// try of the batch leaves it out (forgetting it in the first such
		// try made two failing runs take turns, each try staging the one
		// the try before had left out).
		tx.OnCommit(func() { e.unstaged.Delete(key) })
		return false
	}
	return r.Status == StatusRunning && chainable(d, r.Step) && (tx.Dialect() == db.SQLite || chainConcurrent(d, r.Step))
}

func (s *stage) add(r Run, d *Definition, key stageKey) {
	if s.ids == nil {
		s.ids = map[int64]bool{}
	}
	s.ids[r.ID] = true
	s.runs = append(s.runs, stagedRun{run: r, d: d, key: key})
}

// stageStarted stages a run that insertRun just inserted from n, due now,
// or makes it due for the timer when it may not be staged.
func (e *Engine) stageStarted(ctx context.Context, tx *db.Tx, s *stage, d *Definition, n newRun, id int64, now int64) error {
	r := Run{ID: id, WorkspaceID: n.workspaceID, WorkflowID: n.workflowID, Version: n.version, ContactID: n.contactID,
		ConversationID: n.conversationID, Status: StatusRunning, Step: n.step, WakeAt: db.Time(now), Depth: n.depth,
		CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
	key := stageKey{workflow: n.workflowID, event: n.triggerEventID}
	if s == nil || !e.stageable(tx, d, r, key) {
		tx.Due(DueKind, now)
		return nil
	}
	// The run's data as the steps would read it from its row: decoded
	// from what insertRun stored, so that numbers are json.Number there
	// too.
	if err := decodeJSON(n.data, &r.Data); err != nil {
		return fmt.Errorf("workflow: run %d data: %w", id, err)
	}
	if r.Data.Vars == nil {
		r.Data.Vars = map[string]any{}
	}
	s.add(r, d, key)
	return nil
}

// runStaged runs the staged chains in tx, in order.
func (e *Engine) runStaged(ctx context.Context, tx *db.Tx, s *stage, now int64) error {
	for i := range s.runs {
		sr := &s.runs[i]
		limit := maxChained
		more, err := e.runChain(ctx, tx, sr.d, &sr.run, nil, nil, &limit)
		var se *stepError
		if errors.As(err, &se) || errors.Is(err, errChainAgain) {
			e.unstaged.Store(sr.key, true)
			return fmt.Errorf("%w: run %d: %w", event.ErrHandleAgain, sr.run.ID, err)
		}
		if err != nil {
			return err
		}
		if more {
			// Still running after the chain (a step with an outside
			// effect is next, or the chain's bound): the timer goes on.
			tx.Due(DueKind, now)
		}
	}
	return nil
}
