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
type committer struct {
	d *DB
	// jobs are the writes that take the write lock exclusively (Write),
	// concurrent those that share it (WriteConcurrent). A batch holds
	// jobs of one queue only.
	jobs, concurrent chan *job
	maxBatch         int
	stop             chan struct{}
	wg               sync.WaitGroup
	once             sync.Once
	mu               sync.RWMutex // guards closed against concurrent enqueues
	closed           bool
}

type job struct {
	ctx    context.Context
	fn     func(*Tx) error
	res    chan error
	shared bool // from the concurrent queue: the batch shares the write lock
}

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
	c := &committer{d: d, jobs: make(chan *job, 4096), concurrent: make(chan *job, 4096), maxBatch: 512, stop: make(chan struct{})}
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

// do runs fn in a shared transaction and returns once it is committed, or
// fn's error (its writes then undone), or the commit's error. shared puts
// it in a batch that shares the write lock (see WriteConcurrent).
func (c *committer) do(ctx context.Context, fn func(*Tx) error, shared bool) error {
	j := &job{ctx: ctx, fn: fn, res: make(chan error, 1), shared: shared}
	queue := c.jobs
	if shared {
		queue = c.concurrent
	}
	// The read lock orders every enqueue before close marks the committer
	// closed, so a job is either refused or drained by the writer — never
	// left in the queue after the writer has gone.
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	select {
	case queue <- j:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, wait for the outcome even if ctx ends: the work may be
	// committing and the caller must not report a failure that did not happen.
	return <-j.res
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

func (c *committer) loop() {
	defer c.wg.Done()
	batch := make([]*job, 0, c.maxBatch)
	for {
		var first *job
		select {
		case first = <-c.jobs:
		case first = <-c.concurrent:
		case <-c.stop:
			// Drain what was queued before close so no caller waits forever.
			for {
				select {
				case j := <-c.jobs:
					c.run([]*job{j})
				case j := <-c.concurrent:
					c.run([]*job{j})
				default:
					return
				}
			}
		}
		queue := c.jobs
		if first.shared {
			queue = c.concurrent
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < c.maxBatch {
			select {
			case j := <-queue:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		c.run(batch)
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
	sqlTx, err := c.d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	t := &Tx{tx: sqlTx, d: c.d}
	defer t.keepPrepared() // deferred first: runs after the rollback below
	defer func() {
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	// The write lock first on PostgreSQL (see lockWrites). Consumers are
	// woken only if a job appended events: a batch that wrote none (a
	// claim, a lease) wakes nobody.
	if err := t.lockWrites(ctx, batch[0].shared); err != nil {
		return err
	}
	for i, j := range batch {
		if j.ctx.Err() != nil {
			results[i] = j.ctx.Err()
			continue
		}
		results[i] = nil
		if optimistic {
			if fnErr := safeCall(j.fn, t); fnErr != nil {
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
			fnErr := t.savepoint(ctx, func(t *Tx) error { return safeCall(j.fn, t) })
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
	return t.commit()
}

type savepointError struct{ err error }

func (e *savepointError) Error() string { return e.err.Error() }
func (e *savepointError) Unwrap() error { return e.err }

func safeCall(fn func(*Tx) error, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("db: panic in transaction: %v", p)
		}
	}()
	return fn(t)
}
