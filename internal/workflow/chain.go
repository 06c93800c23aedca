package workflow

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// chainWrites are the writes of a chain of steps (one transaction of a
// run) put off to its end, where each is one statement for the whole
// chain instead of one per step: the statements a step writes are what
// the single SQLite writer spends its time on.
type chainWrites struct {
	lines stepLines // the history lines
	// depthFrom is the index in db.Tx.AppendedEvents from which the
	// chain's events may trigger workflows (the loop guard marks their
	// depth at the end), or -1 while no step of the chain could append one.
	depthFrom int
}

func newChainWrites() *chainWrites { return &chainWrites{depthFrom: -1} }

// stepMayTrigger is told before each step that may append an event that
// triggers workflows. In a transaction that defers its events
// (db.Tx.AppendLater), those queued so far are others' or earlier steps'
// that could not: they are inserted now, so that every event appended
// from here on, to the end of the chain, is the chain's own. A chain of
// quiet steps inserts nothing early, and its events go with the batch's.
func (c *chainWrites) stepMayTrigger(ctx context.Context, tx *db.Tx) error {
	if c.depthFrom >= 0 {
		return nil
	}
	if err := tx.FlushEvents(ctx); err != nil {
		return err
	}
	c.depthFrom = len(tx.AppendedEvents())
	return nil
}

// finish writes what the chain put off, at its end, in tx. r is the run
// (its depth and contact).
func (c *chainWrites) finish(ctx context.Context, tx *db.Tx, r Run) error {
	if err := c.lines.flush(ctx, tx); err != nil {
		return err
	}
	if c.depthFrom < 0 {
		return nil
	}
	if err := tx.FlushEvents(ctx); err != nil {
		return err
	}
	return markEventDepth(ctx, tx, r, tx.AppendedEvents()[c.depthFrom:])
}

// quiet says whether a step, as it runs now, cannot append an event that
// triggers workflows: one of quietSteps, or a question being asked (not
// answered), which only sends it.
func quiet(stepType string, resumed bool) bool {
	return quietSteps[stepType] || (stepType == "ask_question" && !resumed)
}
