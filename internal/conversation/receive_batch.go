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

// fairGroup bounds a workspace's batch while another workspace has
// webhooks waiting: the committer's share of a lane when several have
// work (db.WithWeight), so the other's batch is not written behind, or
// with, a full one.
const fairGroup = maxGroup / 8

// maxGroupsInFlight is how many batches of one workspace may be with the
// committer at once. Two: while one is written and fsynced the next
// already waits in the committer's queue, so the writer goes on without
// waiting for this package's goroutine to be scheduled again; on a busy
// machine that wait cost more than the smaller batches do (bench/ingest
// at concurrency 64, one against two, alternated: 0.77× the rate with
// one). Per workspace, so a quiet workspace's webhook goes to the
// committer at once, in its own lane, rather than waiting until a
// flooding workspace's batch is done.
const maxGroupsInFlight = 2

// receiveBatch gathers the webhooks waiting to be written, one list per
// workspace: a batch holds one workspace's webhooks and goes to the
// committer tagged with it (db.WithWorkspace), and the committer serves
// the workspaces' batches in turn. Its zero value is ready; goroutines
// write a workspace's batches while it has any and exit when none wait,
// so it needs no closing.
type receiveBatch struct {
	mu         sync.Mutex
	workspaces map[int64]*receiveLane // those with webhooks waiting or being written
	waiting    int                    // workspaces with webhooks waiting
}

// receiveLane is one workspace's webhooks in the batch.
type receiveLane struct {
	pending []*receiveJob
	running int // goroutines writing its batches
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
		// An automatic reply finds its conversation its own way
		// (automaticTargetTx): rare, it is written alone.
		if in.Kind != KindMessage || in.Automatic {
			return false
		}
	}
	return true
}

// receiveBatched queues a webhook's items in its workspace's batch and
// returns once they are committed or refused. Once queued it waits for
// the outcome even if ctx ends, as the group committer does: the items
// may be committing.
func (s *Service) receiveBatched(ctx context.Context, items []Inbound) ([]Received, error) {
	j := &receiveJob{ctx: ctx, items: items, done: make(chan struct{})}
	ws := items[0].WorkspaceID // a webhook is one channel's, so one workspace's
	b := &s.batch
	b.mu.Lock()
	if b.workspaces == nil {
		b.workspaces = map[int64]*receiveLane{}
	}
	l := b.workspaces[ws]
	if l == nil {
		l = &receiveLane{}
		b.workspaces[ws] = l
	}
	if len(l.pending) == 0 {
		b.waiting++
	}
	l.pending = append(l.pending, j)
	if l.running < maxGroupsInFlight {
		l.running++
		go s.writeBatches(ws, l)
	}
	b.mu.Unlock()
	<-j.done
	return j.out, j.err
}

// writeBatches writes workspace ws's waiting webhooks, a batch at a time,
// until none wait: batches of up to maxGroup while no other workspace has
// webhooks waiting, of fairGroup while one has. A batch is taken from the
// waiting webhooks only when the committer runs its job (writeLate), not
// when the job is queued: the webhooks that arrive while it waits behind
// the batch being written go in too. Taken at queueing time, the second
// batch in flight held only the few that had arrived by then, and each
// batch pays about ten lookup statements, a statement per table and
// chunk, and a share of the commit whatever its size (bench/ingest at
// concurrency 64: 19 webhooks per commit, in three jobs).
func (s *Service) writeBatches(ws int64, l *receiveLane) {
	b := &s.batch
	for {
		b.mu.Lock()
		if len(l.pending) == 0 {
			l.running--
			if l.running == 0 {
				delete(b.workspaces, ws)
			}
			b.mu.Unlock()
			return
		}
		first, weight := l.pending[0].ctx, min(len(l.pending), b.limit())
		b.mu.Unlock()
		s.writeLate(ws, first, weight, func() []*receiveJob { return b.take(l) })
	}
}

// limit is how many webhooks a batch may take: maxGroup while no other
// workspace has webhooks waiting, fairGroup while one has. Called with
// b.mu held.
func (b *receiveBatch) limit() int {
	if b.waiting > 1 {
		return fairGroup
	}
	return maxGroup
}

// take removes the next batch from l's waiting webhooks and returns it,
// empty if another batch took them all first.
func (b *receiveBatch) take(l *receiveLane) []*receiveJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(l.pending), b.limit())
	if n == 0 {
		return nil
	}
	group := l.pending[:n:n]
	l.pending = l.pending[n:]
	if len(l.pending) == 0 {
		l.pending = nil // let the backing array go
		b.waiting--
	}
	return group
}

// writeGroup writes a batch already taken, as writeLate does.
func (s *Service) writeGroup(ws int64, group []*receiveJob) {
	s.writeLate(ws, group[0].ctx, len(group), func() []*receiveJob { return group })
}

// writeLate writes a batch in one job of the committer, the batch taken
// (take) when the job first runs; parent gives the job its context's
// values and weight its weight in the committer's lanes. If the batch
// fails, each webhook is written again on its own, the way Receive writes
// one on PostgreSQL, so only a failing one is refused, with the error it
// would have had alone.
func (s *Service) writeLate(ws int64, parent context.Context, weight int, take func() []*receiveJob) {
	var live []*receiveJob
	taken := false
	bind := func() {
		if taken {
			return
		}
		taken = true
		for _, j := range take() {
			if err := j.ctx.Err(); err != nil {
				j.err = err
				close(j.done)
				continue
			}
			live = append(live, j)
		}
	}
	// One webhook's cancellation must not undo the others' writes. The
	// job is the workspace's and weighs about as many webhooks as it
	// will carry.
	ctx := db.WithWeight(db.WithWorkspace(context.WithoutCancel(parent), ws), weight)
	// On PostgreSQL the known senders' conversations are locked with the
	// other jobs' rows, in one order, before any job of the batch runs
	// (see openConversationsPgTx).
	ctx = db.WithRowLocks(ctx, "conversations", func(ctx context.Context, tx *db.Tx) ([]int64, error) {
		bind()
		return openConversationsPgTx(ctx, tx, live)
	})
	var outs [][]Received
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		// The committer may run this again (a batch it shares with other
		// jobs is re-run with savepoints when one fails): the batch is
		// the one taken the first time, and every run starts afresh.
		bind()
		if len(live) == 0 {
			return nil
		}
		var err error
		if tx.Dialect() == db.Postgres {
			outs, err = receiveGroupPgTx(ctx, tx, live)
		} else {
			outs, err = receiveGroupTx(ctx, tx, live)
		}
		return err
	})
	bind() // the committer never ran the job (closed): its webhooks still get an answer
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
