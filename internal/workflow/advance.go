package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// maxExecuted bounds the steps of one run, whatever jumps it takes.
const maxExecuted = 1000

// stepError is a step's own failure (a domain error, a refused call): it
// fails the step, and the run takes the step's failure exit or fails.
type stepError struct{ err error }

func (e *stepError) Error() string { return e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// advance executes the step a runnable run is at, in one transaction with
// the run's next state, and reports whether the run can go on at once.
// lease, when not nil, is the run's claim (its lease_until) as this node
// holds it, renewed before an outside effect (see markPending); a run
// another node claimed meanwhile is left to it (false).
func (e *Engine) advance(ctx context.Context, id int64, lease *int64) (bool, error) {
	// Steps with an outside effect do it before their transaction, after
	// marking the run so that a replay after a crash knows it may be done.
	r, err := scanRun(e.db.Reader().QueryRow(ctx, `SELECT `+runColumns+` FROM workflow_runs WHERE id = ?`, id))
	if err != nil {
		return false, notFound(err, "workflow run")
	}
	if !e.runnable(r) {
		return false, nil
	}
	ctx = db.WithWorkspace(ctx, r.WorkspaceID) // its writes in its workspace's lane of the writer
	// Its steps append to its conversation: locked with the batch's
	// others, in one order (db.WithRowLocks).
	ctx = db.WithRows(ctx, "conversations", r.ConversationID)
	d, err := e.svc.version(ctx, e.db.Reader(), r.WorkflowID, r.Version)
	if err != nil {
		return false, err
	}
	var outside any
	var outsideErr error
	if st := d.step(r.Step); st != nil && r.Status == StatusRunning && len(r.Data.Input) == 0 {
		if impl, err := decodeStep(st); err == nil {
			if o, ok := impl.(outsider); ok {
				replay := r.Data.Pending == r.Step
				if !replay || lease != nil {
					var bound time.Duration
					if b, ok := impl.(boundedOutsider); ok {
						bound = b.outsideBound()
					}
					if mine, err := e.markPending(ctx, &r, lease, bound); err != nil || !mine {
						return false, err
					}
				}
				x := e.newExecution(ctx, nil, &r, d, st)
				x.replay = replay
				outside, outsideErr = o.outside(ctx, x)
				if ctx.Err() != nil {
					return false, ctx.Err()
				}
			}
		}
	}
	var more bool
	// limit lowers when a chained step fails: the transaction is then
	// run again, stopping before that step (see errChainAgain).
	limit := maxChained
	write := e.stepDoor(d, r.Step)
	step := func(tx *db.Tx) error {
		cur, err := loadRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if more = e.runnable(cur); !more || cur.Step != r.Step {
			return nil // changed meanwhile: look again
		}
		more, err = e.runChain(ctx, tx, d, &cur, outside, outsideErr, &limit)
		return err
	}
	for {
		// The group committer runs the batch again after a job fails (each
		// job then in a savepoint of its own), and this job then stops
		// before the failing step; alone, it comes back here.
		if err = write(ctx, step); !errors.Is(err, errChainAgain) {
			break
		}
	}
	var se *stepError
	if errors.As(err, &se) {
		// The step's writes are undone; record the failure on its own.
		err = e.txRun(ctx, func(tx *db.Tx) error {
			var err error
			more, err = e.fail(ctx, tx, id, se.err)
			return err
		})
	}
	return more, err
}

// runChain executes the step cur is at, in tx, and the steps that follow
// at once (up to *limit of them after it), and saves cur's next state. It
// reports whether the run can go on at once. A chained step that fails
// lowers *limit to stop before it and returns errChainAgain: the caller
// undoes the transaction and runs it again. The first step's failure is a
// *stepError, for the caller to record on its own.
func (e *Engine) runChain(ctx context.Context, tx *db.Tx, d *Definition, cur *Run, outside any, outsideErr error, limit *int) (bool, error) {
	// The chain's history lines and loop-guard marks are written
	// together, at its end.
	lines := newChainWrites()
	// A step that goes on to the next one leaves the run unsaved (goOn):
	// the chain below saves it once, when it stops, instead of once per
	// step. A step that waits or ends saves it itself.
	more, goOn, err := e.execute(ctx, tx, lines, cur, outside, outsideErr)
	if err != nil {
		return false, err
	}
	// The steps that follow at once, with no effect outside the database,
	// commit in the same transaction: a send and the question after it
	// are one commit, not two. The run is the one in memory, so it is not
	// read again. A chained step that fails undoes the whole transaction,
	// which runs again stopping before it: that step is left for the next
	// transaction, where it runs alone and takes its failure path. A
	// savepoint around each step would cost two statements a step for a
	// rare failure.
	for chained := 0; more && chained < *limit && chainable(d, cur.Step); chained++ {
		m, g, err := e.execute(ctx, tx, lines, cur, nil, nil)
		var se *stepError
		if errors.As(err, &se) {
			*limit = chained
			return false, errChainAgain
		}
		if err != nil {
			return false, err
		}
		more, goOn = m, g
	}
	if goOn {
		if err := saveRun(ctx, tx, cur, db.Millis(e.now())); err != nil {
			return false, err
		}
	}
	return more, lines.finish(ctx, tx, *cur)
}

// errChainAgain undoes a transaction in which a chained step failed, to
// run it again without that step.
var errChainAgain = errors.New("workflow: a chained step failed; run the chain again without it")

// maxChained bounds the steps run in one transaction after the first, so
// a long path without waits still commits (and shows progress) regularly.
const maxChained = 16

// chainable says whether step id of d may run in the transaction of the
// step before it: one with an effect outside the database (an HTTP call,
// a classifier's answer) runs in its own, after that effect. Assign To is
// not one: routing decides inside the step's transaction.
// Whether a step has an outside effect is a property of its type, so its
// settings need not be decoded here (execute decodes them).
func chainable(d *Definition, id string) bool {
	st := d.step(id)
	if st == nil {
		return false
	}
	kind, ok := stepKinds[st.Type]
	if !ok {
		return false
	}
	_, outside := kind().(outsider)
	return !outside
}

// runnable says whether a run has something to do now.
func (e *Engine) runnable(r Run) bool {
	switch {
	case terminal(r.Status):
		return false
	case r.Status == StatusRunning:
		return true
	default: // waiting: only when its time came
		return !r.WakeAt.IsZero() && !r.WakeAt.After(e.now())
	}
}

// markPending marks r's step as one whose outside effect may have
// happened, before the effect. With lease (the run's claim as this node
// holds it), it also renews the claim to outlast the effect's bound by a
// lease: the claim taken before could end while a call as long as the
// lease (an HTTP Request's 30 s) was still in flight, and another node
// then took the run and made the call again. It reports false, having
// changed nothing, when the claim is no longer this node's: another node
// took the run (after a stall past the lease) and its effect is that
// node's to make.
func (e *Engine) markPending(ctx context.Context, r *Run, lease *int64, bound time.Duration) (bool, error) {
	mine, marked := true, false
	var renewed int64
	err := e.txRun(ctx, func(tx *db.Tx) error {
		mine, marked, renewed = true, false, 0
		cur, err := loadRun(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if cur.Status != r.Status || cur.Step != r.Step {
			return nil // moved on meanwhile; the step transaction will see it
		}
		now := db.Millis(e.now())
		if lease != nil {
			renewed = max(*lease, now+(e.opts.Lease+bound).Milliseconds())
			res, err := tx.Exec(ctx, `UPDATE workflow_runs SET lease_until = ? WHERE id = ? AND lease_until = ?`, renewed, r.ID, *lease)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				mine, renewed = false, 0
				return nil
			}
		}
		cur.Data.Pending = cur.Step
		marked = true
		return saveRun(ctx, tx, &cur, now)
	})
	if err != nil || !mine {
		return false, err
	}
	if marked {
		r.Data.Pending = r.Step
	}
	if renewed != 0 {
		*lease = renewed
	}
	return true, nil
}

func decodeStep(st *Step) (stepImpl, error) {
	kind, ok := stepKinds[st.Type]
	if !ok {
		return nil, fmt.Errorf("unknown step type %q", st.Type)
	}
	impl := kind()
	if err := decodeSettings(st.Settings, impl); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	return impl, nil
}

func (e *Engine) newExecution(ctx context.Context, tx *db.Tx, r *Run, d *Definition, st *Step) *execution {
	now := e.now()
	var q db.Querier = e.db.Reader()
	if tx != nil {
		q = tx
	}
	return &execution{ctx: ctx, tx: tx, e: e, run: r, def: d, step: st, now: now,
		vars: &scope{ctx: ctx, q: q, e: e, run: r, now: now}}
}

// execute runs the step r is at and records its result, r's next state.
// It reports whether the run can go on at once and, when it goes on to a
// next step, that r is left for the caller to save (goOn).
func (e *Engine) execute(ctx context.Context, tx *db.Tx, lines *chainWrites, r *Run, outside any, outsideErr error) (more, goOn bool, err error) {
	d, err := e.svc.version(ctx, tx, r.WorkflowID, r.Version)
	if err != nil {
		return false, false, err
	}
	now := db.Millis(e.now())
	st := d.step(r.Step)
	why := ""
	if st == nil {
		why = fmt.Sprintf("workflow: step %q is not in version %d", r.Step, r.Version)
	} else if r.Data.Executed >= maxExecuted {
		why = fmt.Sprintf("workflow: the run executed %d steps; it is stopped as a runaway", maxExecuted)
	}
	if why != "" {
		if err := logStepTo(ctx, tx, &lines.lines, r, Entry{Step: r.Step, Type: "end", Error: why}, now); err != nil {
			return false, false, err
		}
		return false, false, e.endTo(ctx, tx, &lines.lines, r, StatusFailed, why, now)
	}
	impl, err := decodeStep(st)
	if err != nil {
		return false, false, &stepError{err}
	}
	x := e.newExecution(ctx, tx, r, d, st)
	x.outside, x.lines = outside, &lines.lines
	if r.Status != StatusRunning {
		x.timedOut, x.resumed = true, true
	} else if len(r.Data.Input) > 0 {
		x.input, x.resumed = r.Data.Input, true
	}
	r.Data.Input = nil
	if outsideErr != nil {
		return false, false, &stepError{outsideErr}
	}
	// The loop guard needs the ids of the triggering events the step
	// appends, marked at the chain's end (chainWrites.finish).
	if r.ContactID != 0 && !quiet(st.Type, x.resumed) {
		if err := lines.stepMayTrigger(ctx, tx); err != nil {
			return false, false, err
		}
	}
	// The timeline events queued so far go before this step's own: a
	// step whose first event is the message it sends hands them to the
	// send (see execution.send), the others append them now.
	if !convQuietSteps[st.Type] && !sendsFirst(st.Type, x.resumed) {
		if err := lines.lines.flushEvents(ctx, tx); err != nil {
			return false, false, err
		}
	}
	// Wall time, not the store's clock: this measures the machine.
	started := time.Now()
	res, err := impl.exec(x)
	e.metrics.stepDone(tx, st.Type, time.Since(started))
	if err != nil {
		if ctx.Err() != nil {
			return false, false, ctx.Err()
		}
		if db.IsTransient(err) {
			// The store's trouble (a deadlock, PostgreSQL unreachable), not
			// the step's: the transaction is tried again and the run stays
			// at the step. Taken as the step's failure, an Assign To
			// deadlocked under load went to its failure exit and left its
			// conversation open with nobody assigned (the 3-node proof at
			// size, 5 of 20,000).
			return false, false, fmt.Errorf("workflow: step %q: %w", st.ID, err)
		}
		return false, false, &stepError{err}
	}
	return e.apply(ctx, tx, lines, x, res, now)
}

// apply records a step's result: its history line, its outputs, and the
// run's next state, saved unless the run goes on to a next step (goOn:
// see execute).
func (e *Engine) apply(ctx context.Context, tx *db.Tx, lines *chainWrites, x *execution, res result, now int64) (more, goOn bool, err error) {
	r := x.run
	r.Data.Executed++
	r.Data.Pending = ""
	if res.output != nil {
		if r.Data.Steps == nil {
			r.Data.Steps = map[string]map[string]any{}
		}
		r.Data.Steps[x.step.ID] = res.output
	}
	entry := Entry{Step: x.step.ID, Type: x.step.Type, Outcome: res.outcome, Exit: res.exit, Output: res.output}
	if len(x.vars.missing) > 0 {
		x.log("missing_variables", x.vars.missing)
		entry.Error = "missing variables rendered empty: " + strings.Join(x.vars.missing, ", ")
	}
	if x.logged != nil {
		entry.Input, _ = json.Marshal(x.logged)
	}
	if res.wait != "" {
		entry.Exit = ""
		var g waitGuard
		if r.ConversationID != 0 {
			if g, err = guardWait(ctx, tx, x.def, r, res.wait); err != nil {
				return false, false, err
			}
		} else if res.wait == StatusWaitingReply {
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&g.newest); err != nil {
				return false, false, err
			}
		}
		if g.end != "" {
			// The step's line, then why the run ends (as endWaiting tells it).
			if err := logStepTo(ctx, tx, &lines.lines, r, entry, now); err != nil {
				return false, false, err
			}
			if err := logStepTo(ctx, tx, &lines.lines, r, Entry{Step: r.Step, Type: "end", Outcome: g.end}, now); err != nil {
				return false, false, err
			}
			return false, false, e.endTo(ctx, tx, &lines.lines, r, StatusFinished, "", now)
		}
		r.Status, r.WakeAt = res.wait, res.wakeAt
		if res.wait == StatusWaitingReply {
			r.Data.WaitAfter = g.newest
			// A reply still committing below the newest event counts: the
			// wait starts at the horizon (see db.DB.EventHorizon).
			horizon, err := tx.EventHorizon(ctx)
			if err != nil {
				return false, false, err
			}
			r.Data.WaitAfter = min(r.Data.WaitAfter, horizon)
		}
		if err := logStepTo(ctx, tx, &lines.lines, r, entry, now); err != nil {
			return false, false, err
		}
		return false, false, saveRunTo(ctx, tx, &lines.lines, r, now)
	}
	if err := logStepTo(ctx, tx, &lines.lines, r, entry, now); err != nil {
		return false, false, err
	}
	target := x.step.Exits[res.exit]
	if res.jump != "" {
		target = res.jump
	}
	if res.end || target == "" {
		return false, false, e.endTo(ctx, tx, &lines.lines, r, StatusFinished, "", now)
	}
	r.Step, r.Status, r.WakeAt, r.Data.Attempts = target, StatusRunning, db.Time(now), 0
	return true, true, nil
}

// fail records a step failure: the step's failure exit if it has one
// wired, else the run fails with the error.
func (e *Engine) fail(ctx context.Context, tx *db.Tx, id int64, cause error) (bool, error) {
	r, err := loadRun(ctx, tx, id)
	if err != nil || terminal(r.Status) {
		return false, err
	}
	d, err := e.svc.version(ctx, tx, r.WorkflowID, r.Version)
	if err != nil {
		return false, err
	}
	now := db.Millis(e.now())
	msg := cause.Error()
	if apperr.KindOf(cause) == "" && !strings.HasPrefix(msg, "workflow") {
		msg = "workflow: " + msg
	}
	st := d.step(r.Step)
	typ := ""
	if st != nil {
		typ = st.Type
	}
	r.Data.Executed++
	r.Data.Pending = ""
	if st != nil && st.Exits["failure"] != "" {
		if err := logStep(ctx, tx, &r, Entry{Step: r.Step, Type: typ, Exit: "failure", Error: msg}, now); err != nil {
			return false, err
		}
		r.Step, r.Status, r.WakeAt, r.Data.Attempts, r.Data.Input = st.Exits["failure"], StatusRunning, db.Time(now), 0, nil
		return true, saveRun(ctx, tx, &r, now)
	}
	if err := logStep(ctx, tx, &r, Entry{Step: r.Step, Type: typ, Error: msg}, now); err != nil {
		return false, err
	}
	return false, e.end(ctx, tx, &r, StatusFailed, msg, now)
}

// end ends a run with a final status.
func (e *Engine) end(ctx context.Context, tx *db.Tx, r *Run, status, why string, now int64) error {
	return e.endTo(ctx, tx, nil, r, status, why, now)
}

// endTo is end that queues its timeline event in lines, when not nil.
func (e *Engine) endTo(ctx context.Context, tx *db.Tx, lines *stepLines, r *Run, status, why string, now int64) error {
	r.Status, r.WakeAt, r.Error = status, db.Time(0), why
	return saveRunTo(ctx, tx, lines, r, now)
}

// markEventDepth records, for the triggering events among ids (events
// appended by a chain of steps), how deep in a chain of runs they were
// made, for the loop guard. It names the events by id, so events of the
// same contact that other transactions append meanwhile (concurrent
// writers, other nodes) are never taken for the chain's.
func markEventDepth(ctx context.Context, tx *db.Tx, r Run, ids []int64) error {
	if r.ContactID == 0 || len(ids) == 0 {
		return nil
	}
	in, args := db.In(ids)
	_, err := tx.Exec(ctx, `INSERT INTO workflow_event_depth (event_id, depth) SELECT id, ? FROM events
		WHERE id IN `+in+` AND contact_id = ? AND type IN ('conversation.opened', 'conversation.closed', 'contact.tag.updated',
		'contact.updated', 'contact.lifecycle.updated')`, append(append([]any{r.Depth + 1}, args...), r.ContactID)...)
	return err
}
