package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// committer shares commits between concurrent small write transactions
// ("group commit"): while one batch is being written and fsynced, new work
// queues up and goes into the next batch, so one fsync covers many
// callers. Each caller's work runs in its own savepoint when a batch has
// to isolate a failure, so a failing caller undoes only its own writes.
// do returns only after the batch has committed: a caller that gets nil
// may acknowledge its work to the outside world. Every DB has one,
// started by Open and stopped by Close: it is the store's one writer.
//
// Waiting jobs are kept per workspace and served in turn (lanes.go), so
// a workspace's write is not queued behind everything another workspace
// sent before it.
type committer struct {
	d *DB
	// mu guards the queues and closed. excl holds the writes that take
	// the write lock exclusively (Write), shared those that share it
	// (WriteConcurrent). A batch holds jobs of one queue only.
	mu           sync.Mutex
	excl, shared queue
	closed       bool
	// served is the queue the last batch came from: the next batch comes
	// from the other one if it has work, so neither starves the other.
	served *queue
	// slots bound each queue's waiting jobs (queueDepth): a full queue
	// holds its callers back until the writer takes some.
	exclSlots, sharedSlots chan struct{}
	// wake tells a writer that jobs wait; a writer that leaves some
	// behind passes it on to the next.
	wake     chan struct{}
	onBatch  func(jobs []BatchJob) // tests: told each batch's jobs as it is taken, under mu
	onSlow   func(SlowWrite)       // tests: told each slow write instead of the log (see OnSlowWrite)
	maxBatch int
	stop     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
}

type job struct {
	ctx    context.Context
	fn     func(*Tx) error
	res    chan error
	shared bool       // from the concurrent queue: the batch shares the write lock
	alone  bool       // written in a batch of its own (a retry after ErrLockOrder)
	lane   int64      // the workspace it writes for (WithWorkspace), or 0
	weight int        // the writes it stands for (WithWeight), at least 1
	locks  []rowLocks // the rows it will change (WithRowLocks)
}

// queueDepth is how many jobs each queue holds before callers wait.
const queueDepth = 4096

// ErrClosed is returned by Write once the store is closed.
var ErrClosed = errors.New("db: store closed")

// pgWriters is how many batches one node writes at once on PostgreSQL,
// each on a connection of its own. A batch spends most of its time waiting
// for round trips and its commit's fsync; while it waits, the others run.
// Batches of Write hold the write lock exclusively and so still run one
// at a time (across nodes too); those of WriteConcurrent share it.
const pgWriters = 4

// startCommitter starts d's writers: one on SQLite, which has a single
// writer connection, pgWriters on PostgreSQL.
func (d *DB) startCommitter() {
	c := newCommitter(d, 512)
	n := 1
	if d.Dialect == Postgres {
		n = pgWriters
	}
	for range n {
		c.wg.Add(1)
		go c.loop()
	}
	d.committer = c
}

func newCommitter(d *DB, maxBatch int) *committer {
	return &committer{d: d, excl: newQueue(), shared: newQueue(),
		exclSlots: make(chan struct{}, queueDepth), sharedSlots: make(chan struct{}, queueDepth),
		wake: make(chan struct{}, 1), maxBatch: maxBatch, stop: make(chan struct{})}
}

// newJob is the job of a write made with ctx; alone, or a ctx made with
// InABatchOfItsOwn, writes it in a batch of its own.
func newJob(ctx context.Context, fn func(*Tx) error, shared, alone bool) *job {
	return &job{ctx: ctx, fn: fn, res: make(chan error, 1), shared: shared, alone: alone || ownBatch(ctx),
		lane: laneOf(ctx), weight: weightOf(ctx), locks: rowLocksOf(ctx)}
}

// do runs fn in a shared transaction and returns once it is committed, or
// fn's error (its writes then undone), or the commit's error. shared puts
// it in a batch that shares the write lock (see WriteConcurrent), alone
// in a batch of its own.
func (c *committer) do(ctx context.Context, fn func(*Tx) error, shared, alone bool) error {
	j := newJob(ctx, fn, shared, alone)
	q, slots := &c.excl, c.exclSlots
	if shared {
		q, slots = &c.shared, c.sharedSlots
	}
	// A slot first: a full queue holds the caller until the writer takes
	// jobs, which it does until the queues are empty, closed or not.
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Under mu, so a job is either refused or queued before close marks
	// the committer closed — and then drained by the writer, never left in
	// the queue after the writer has gone.
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		<-slots
		return ErrClosed
	}
	q.push(j)
	c.mu.Unlock()
	c.signal()
	// Once queued, wait for the outcome even if ctx ends: the work may be
	// committing and the caller must not report a failure that did not happen.
	return <-j.res
}

// signal wakes a writer, or leaves word for the next one to wait.
func (c *committer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// close stops accepting work, finishes what is queued and stops the writer.
func (c *committer) close() {
	c.once.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		close(c.stop)
	})
	c.wg.Wait()
}

// next takes the next batch into batch[:0]: from the queue not served
// last if it has jobs, else the other, each lane in turn, bounded by the
// lanes' shares when several workspaces have work (lanes.go). It returns an empty
// batch when no job waits, and whether the committer is closed.
func (c *committer) next(batch []*job) ([]*job, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, other := &c.excl, &c.shared
	if c.served == q {
		q, other = other, q
	}
	if q.n == 0 {
		q = other
	}
	maxWeight := 0 // one workspace with work, or PostgreSQL: fill the batch
	if lanes, workspaces := busyLanes(&c.excl, &c.shared); workspaces > 1 && c.d.Dialect == SQLite {
		maxWeight = fairShareOf(c.maxBatch) * lanes
	}
	batch = q.take(batch[:0], c.maxBatch, maxWeight)
	if len(batch) > 0 {
		if c.onBatch != nil {
			jobs := make([]BatchJob, len(batch))
			for i, j := range batch {
				jobs[i] = BatchJob{Lane: j.lane, Weight: j.weight, Alone: j.alone}
			}
			c.onBatch(jobs)
		}
		c.served = q
		slots := c.exclSlots
		if q == &c.shared {
			slots = c.sharedSlots
		}
		for range batch {
			<-slots
		}
	}
	if c.excl.n+c.shared.n > 0 {
		c.signal() // more for another writer, or for this one's next turn
	}
	return batch, c.closed
}

func (c *committer) loop() {
	defer c.wg.Done()
	batch := make([]*job, 0, c.maxBatch)
	for {
		var closed bool
		batch, closed = c.next(batch)
		if len(batch) > 0 {
			c.run(batch)
			clear(batch) // let the answered jobs go
			continue
		}
		if closed {
			// Closed and nothing queued: every job queued before close
			// has been answered, and none can be queued any more.
			c.signal() // for the other writers, if they wait
			return
		}
		select {
		case <-c.wake:
		case <-c.stop:
		}
	}
}

// run writes one batch and answers every job. A batch that PostgreSQL
// aborts (deadlock, serialization) is not retried here: every job gets
// the error and Write runs it again after a backoff, for as long as its
// caller's context allows, without holding up the batches behind it.
func (c *committer) run(batch []*job) {
	results := make([]error, len(batch))
	// First optimistically, every job straight in the transaction: a
	// savepoint costs two statements per job, an eighth of a receive. If a
	// job fails, the batch is rolled back and run again with each job in
	// its own savepoint, so only the failing one is undone.
	err := c.try(batch, results, true)
	if errors.Is(err, errNeedSavepoints) {
		err = c.try(batch, results, false)
	}
	if errors.Is(err, errAloneFailed) {
		err = nil // the job's own error is in results
	}
	for i, j := range batch {
		if err != nil {
			j.res <- err
		} else {
			j.res <- results[i]
		}
	}
}

// errNeedSavepoints ends an optimistic try in which a job failed.
var errNeedSavepoints = errors.New("db: a job failed; run the batch again with savepoints")

// errAloneFailed ends a try whose only job failed: rolling back undoes
// exactly its writes, as a transaction of its own would, so no savepoint
// and no second run are needed.
var errAloneFailed = errors.New("db: the batch's only job failed")

func (c *committer) try(batch []*job, results []error, optimistic bool) (err error) {
	ctx := context.Background() // a caller's cancellation must not abort the others' commit
	bt := c.startTimer()
	sqlTx, err := c.d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	t := &Tx{tx: sqlTx, d: c.d, alone: len(batch) == 1 && batch[0].alone}
	defer c.reportIfSlow(&bt, batch) // runs last: the rows are held until the rollback ends
	defer t.keepPrepared()           // runs after the rollback below
	defer func() {
		if err != nil {
			t.rollback()
		}
	}()
	// The write lock first on PostgreSQL (see lockWrites). Consumers are
	// woken only if a job appended events: a batch that wrote none (a
	// claim, a lease) wakes nobody.
	if err := t.lockWrites(ctx, batch[0].shared); err != nil {
		return err
	}
	// Then the rows the jobs will change, in one order (see rowlocks.go).
	if err := t.lockRows(ctx, batch); err != nil {
		return err
	}
	bt.locked = bt.clock.Now()
	for i, j := range batch {
		if j.ctx.Err() != nil {
			results[i] = j.ctx.Err()
			continue
		}
		results[i] = nil
		if optimistic {
			start := bt.clock.Now()
			fnErr := safeCall(j.fn, t)
			bt.ran(i, start)
			if fnErr != nil {
				// A lost race on a unique index is read again in a
				// savepoint (below), even alone: concurrent writers
				// (WriteConcurrent, other nodes) may have inserted the row.
				if len(batch) == 1 && !(c.d.Dialect == Postgres && IsUniqueViolation(fnErr)) {
					results[i] = fnErr
					return errAloneFailed
				}
				return errNeedSavepoints
			}
			continue
		}
		for attempt := 0; ; attempt++ {
			start := bt.clock.Now()
			fnErr := t.savepoint(ctx, func(t *Tx) error { return safeCall(j.fn, t) })
			bt.ran(i, start)
			var spErr *savepointError
			if errors.As(fnErr, &spErr) {
				return fnErr // the transaction itself is broken
			}
			// On PostgreSQL another writer may have inserted the same contact
			// or message between our read and our insert: read again.
			if fnErr != nil && c.d.Dialect == Postgres && IsUniqueViolation(fnErr) && attempt < 3 {
				continue
			}
			results[i] = fnErr
			break
		}
	}
	bt.commit = bt.clock.Now()
	return t.commit()
}

type savepointError struct{ err error }

func (e *savepointError) Error() string { return e.err.Error() }
func (e *savepointError) Unwrap() error { return e.err }

// safeCall runs a job's fn in t, and then inserts the rows fn queued with
// InsertLater, so that the next job sees them.
func safeCall(fn func(*Tx) error, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("db: panic in transaction: %v", p)
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	return t.flushRows(context.Background())
}
