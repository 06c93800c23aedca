package conversation

import (
	"context"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// On SQLite one writer executes every statement of every webhook, and a
// profile of a node under webhook load shows it spends its time on
// statements, not rows: the 8 statements of a new contact's message
// (redelivery check, identity, phone, contact, identity, conversation,
// message, last_incoming_at) each pay their setup, cursors and index
// opens. So the webhooks that arrive while earlier ones are being written
// wait in a receive batch, and the batch is written as one job of the
// group committer: one statement looks up all their provider ids, one
// all their identities, and the new contacts' rows go in with one
// multi-row INSERT per table (receiveGroupTx). Each webhook is still
// answered only once the transaction holding it has committed.

// maxGroup bounds the webhooks of one batch, as the committer bounds its
// batches.
const maxGroup = 512

// maxGroupsInFlight is how many batches may be with the committer at
// once. Two: while one is written and fsynced the next already waits in
// the committer's queue, so the writer goes on without waiting for this
// package's goroutine to be scheduled again; on a busy machine that wait
// cost more than the smaller batches do (bench/ingest at concurrency 64,
// one against two, alternated: 0.77× the rate with one).
const maxGroupsInFlight = 2

// receiveBatch gathers the webhooks waiting to be written. Its zero value
// is ready; a goroutine writes batches while there are any and exits
// when none wait, so it needs no closing.
type receiveBatch struct {
	mu      sync.Mutex
	pending []*receiveJob
	running int
}

// receiveJob is one webhook's items waiting in the batch.
type receiveJob struct {
	ctx   context.Context
	items []Inbound
	out   []Received
	err   error
	done  chan struct{}
}

// batched reports whether a webhook's items can go through the receive
// batch: only new messages, which keep their invariants with the schema
// alone (see Receive). On PostgreSQL the batch is written by
// receiveGroupPgTx (receive_pg.go).
func (s *Service) batched(items []Inbound) bool {
	for _, in := range items {
		if in.Kind != KindMessage {
			return false
		}
	}
	return true
}

// receiveBatched queues a webhook's items in the batch and returns once
// they are committed or refused. Once queued it waits for the outcome
// even if ctx ends, as the group committer does: the items may be
// committing.
func (s *Service) receiveBatched(ctx context.Context, items []Inbound) ([]Received, error) {
	j := &receiveJob{ctx: ctx, items: items, done: make(chan struct{})}
	b := &s.batch
	b.mu.Lock()
	b.pending = append(b.pending, j)
	if b.running < maxGroupsInFlight {
		b.running++
		go s.writeBatches()
	}
	b.mu.Unlock()
	<-j.done
	return j.out, j.err
}

// writeBatches writes the waiting webhooks, a batch at a time, until none
// wait.
func (s *Service) writeBatches() {
	b := &s.batch
	for {
		b.mu.Lock()
		n := min(len(b.pending), maxGroup)
		if n == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		group := b.pending[:n:n]
		b.pending = b.pending[n:]
		if len(b.pending) == 0 {
			b.pending = nil // let the backing array go
		}
		b.mu.Unlock()
		s.writeGroup(group)
	}
}

// writeGroup writes a batch in one job of the committer. If the batch
// fails, each webhook is written again on its own, the way Receive writes
// one on PostgreSQL, so only a failing one is refused, with the error it
// would have had alone.
func (s *Service) writeGroup(group []*receiveJob) {
	live := group[:0:0]
	for _, j := range group {
		if err := j.ctx.Err(); err != nil {
			j.err = err
			close(j.done)
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	// One webhook's cancellation must not undo the others' writes.
	ctx := context.WithoutCancel(live[0].ctx)
	var outs [][]Received
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		// The committer may run this again (a batch it shares with other
		// jobs is re-run with savepoints when one fails), so every run
		// starts afresh.
		var err error
		if tx.Dialect() == db.Postgres {
			outs, err = receiveGroupPgTx(ctx, tx, live)
		} else {
			outs, err = receiveGroupTx(ctx, tx, live)
		}
		return err
	})
	if err == nil {
		for i, j := range live {
			j.out = outs[i]
			close(j.done)
		}
		return
	}
	var wg sync.WaitGroup
	for _, j := range live {
		wg.Go(func() {
			j.out, j.err = s.receiveAlone(j.ctx, j.items)
			close(j.done)
		})
	}
	wg.Wait()
}
