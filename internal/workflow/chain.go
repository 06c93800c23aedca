package workflow

import (
	"context"
	"fmt"

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
	// depth once the transaction's events are all inserted), or -1 while
	// no step of the chain could append one.
	depthFrom int
}

func newChainWrites() *chainWrites { return &chainWrites{depthFrom: -1} }

// stepMayTrigger is told before each step that may append an event that
// triggers workflows: every event appended from here on, to the end of
// the chain, is the chain's own (db.Tx.AppendedCount says where they
// begin). The events before, queued by a transaction that defers them
// (db.Tx.AppendLater), stay queued: inserting them to learn their ids
// would hold every reader of the log back for the rest of the batch.
func (c *chainWrites) stepMayTrigger(tx *db.Tx) {
	if c.depthFrom < 0 {
		c.depthFrom = tx.AppendedCount()
	}
}

// finish writes what the chain put off, at its end, in tx. r is the run
// (its depth and contact). The depth of the chain's triggering events is
// marked just before the commit, when their ids are known (see
// db.Tx.BeforeCommit).
func (c *chainWrites) finish(ctx context.Context, tx *db.Tx, r Run) error {
	if err := c.lines.flush(ctx, tx); err != nil {
		return err
	}
	if c.depthFrom < 0 {
		return nil
	}
	from, to := c.depthFrom, tx.AppendedCount()
	if from == to {
		return nil
	}
	tx.BeforeCommit(func(ctx context.Context, tx *db.Tx) error {
		ids := tx.AppendedEvents()
		if to > len(ids) {
			return fmt.Errorf("workflow: the chain's events %d to %d are not in the transaction's %d", from, to, len(ids))
		}
		return markEventDepth(ctx, tx, r, ids[from:to])
	})
	return nil
}

// quiet says whether a step, as it runs now, cannot append an event that
// triggers workflows: one of quietSteps, or a question being asked (not
// answered), which only sends it.
func quiet(stepType string, resumed bool) bool {
	return quietSteps[stepType] || (stepType == "ask_question" && !resumed)
}
