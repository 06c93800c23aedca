package workflow

import (
	"context"
	"fmt"
	"strings"

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
// marked just before the commit, when their ids are known, with the
// other chains' of the transaction (see db.BeforeCommit).
func (c *chainWrites) finish(ctx context.Context, tx *db.Tx, r Run) error {
	if err := c.lines.flush(ctx, tx); err != nil {
		return err
	}
	if c.depthFrom < 0 || r.ContactID == 0 {
		return nil
	}
	m := depthMark{from: c.depthFrom, to: tx.AppendedCount(), depth: r.Depth + 1, contact: r.ContactID}
	if m.from < m.to {
		db.BeforeCommit(tx, "workflow: event depth", m, markEventDepths)
	}
	return nil
}

// depthMark is the depth of a chain's events, for the loop guard: those
// at [from, to) in db.Tx.AppendedEvents, the triggering ones of contact.
type depthMark struct {
	from, to int
	depth    int
	contact  int64
}

// maxDepthRows bounds the rows of one statement of markEventDepths
// (three parameters a row; PostgreSQL allows 65,535 a statement).
const maxDepthRows = 1000

// markEventDepths records, for the triggering events among those of each
// mark, how deep in a chain of runs they were made, for the loop guard,
// in one statement for every chain of the transaction. It names the
// events by id, so events of the same contact that other transactions
// append meanwhile (concurrent writers, other nodes) are never taken for
// the chain's.
func markEventDepths(ctx context.Context, tx *db.Tx, marks []depthMark) error {
	ids := tx.AppendedEvents()
	var rows [][3]int64
	for _, m := range marks {
		if m.to > len(ids) {
			return fmt.Errorf("workflow: a chain's events %d to %d are not among the transaction's %d", m.from, m.to, len(ids))
		}
		for _, id := range ids[m.from:m.to] {
			rows = append(rows, [3]int64{id, int64(m.depth), m.contact})
		}
	}
	for len(rows) > 0 {
		n := min(len(rows), maxDepthRows)
		args := make([]any, 0, 3*n)
		for _, r := range rows[:n] {
			args = append(args, r[0], r[1], r[2])
		}
		// Typed, since PostgreSQL takes an untyped VALUES parameter for text.
		values := strings.TrimSuffix(strings.Repeat(`(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS BIGINT)),`, n), ",")
		if _, err := tx.Exec(ctx, `WITH v (id, depth, contact) AS (VALUES `+values+`)
			INSERT INTO workflow_event_depth (event_id, depth) SELECT e.id, v.depth FROM v JOIN events e ON e.id = v.id AND e.contact_id = v.contact
			WHERE e.type IN ('conversation.opened', 'conversation.closed', 'contact.tag.updated', 'contact.updated', 'contact.lifecycle.updated')`, args...); err != nil {
			return fmt.Errorf("workflow: mark the depth of events: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

// quiet says whether a step, as it runs now, cannot append an event that
// triggers workflows: one of quietSteps, or a question being asked (not
// answered), which only sends it.
func quiet(stepType string, resumed bool) bool {
	return quietSteps[stepType] || (stepType == "ask_question" && !resumed)
}
