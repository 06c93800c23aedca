package db_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// heldWriters occupies every writer of d with a job that waits until the
// returned release is called, so what is queued meanwhile waits. Each
// holder is queued once the last one has started, so each is a batch of
// its own on a writer of its own.
func heldWriters(t *testing.T, d *db.DB) (release func()) {
	t.Helper()
	gate := make(chan struct{})
	var done sync.WaitGroup
	for range db.Writers(d) {
		started := make(chan struct{})
		done.Go(func() {
			// Concurrent: on PostgreSQL holders share the write lock, so
			// every writer can hold one.
			err := d.WriteConcurrent(context.Background(), func(*db.Tx) error {
				select {
				case <-started:
				default:
					close(started)
				}
				<-gate
				return nil
			})
			if err != nil {
				t.Errorf("holder: %v", err)
			}
		})
		<-started
	}
	return func() {
		close(gate)
		done.Wait()
	}
}

// waitQueued returns once n writes wait for a writer.
func waitQueued(t *testing.T, d *db.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for d.QueuedWrites() != n {
		if time.Now().After(deadline) {
			t.Fatalf("writes queued = %d, want %d", d.QueuedWrites(), n)
		}
		runtime.Gosched()
	}
}

// insertWorkspace is a write of one row.
func insertWorkspace(name string) func(*db.Tx) error {
	return func(tx *db.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES (?, 0)`, name)
		return err
	}
}

// writes queues n writes with ctx on d (exclusive or concurrent), each
// once the last is queued, and returns a channel of their answers.
func writes(t *testing.T, d *db.DB, ctx context.Context, concurrent bool, name string, n int) <-chan error {
	t.Helper()
	out := make(chan error, n)
	before := d.QueuedWrites()
	for i := range n {
		go func() {
			fn := insertWorkspace(fmt.Sprintf("%s-%d", name, i))
			if concurrent {
				out <- d.WriteConcurrent(ctx, fn)
			} else {
				out <- d.Write(ctx, fn)
			}
		}()
	}
	waitQueued(t, d, before+n)
	return out
}

func answered(t *testing.T, what string, res <-chan error, n int) {
	t.Helper()
	for range n {
		if err := <-res; err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
}

// Issue 14 §3: a workspace's write does not wait behind everything
// another workspace queued before it. With the writers held, workspace A
// queues 1,000 writes, then an untagged write and one of workspace B
// come: both go in the very first batch taken once the writers are
// free, which first-come-first-served (B behind A's 1,000, two batches
// of 512) did not do, and that batch is bounded by the three lanes'
// shares, not filled with A's writes. A's own writes still commit, in
// full batches once A is alone.
func TestWriteServesWorkspacesInTurn(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		t.Run(map[bool]string{false: "Write", true: "WriteConcurrent"}[concurrent], func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				const wsA, wsB, nA = 7, 8, 1000
				release := heldWriters(t, d)
				taken := recordBatches(d)
				ctx := context.Background()
				resA := writes(t, d, db.WithWorkspace(ctx, wsA), concurrent, "a", nA)
				resU := writes(t, d, ctx, concurrent, "untagged", 1)
				resB := writes(t, d, db.WithWorkspace(ctx, wsB), concurrent, "b", 1)
				release()
				answered(t, "workspace B", resB, 1)
				answered(t, "untagged", resU, 1)
				answered(t, "workspace A", resA, nA)

				batches := taken()
				if len(batches) == 0 {
					t.Fatal("no batch taken")
				}
				first := batches[0]
				if !slices.Contains(first, wsB) || !slices.Contains(first, 0) {
					t.Errorf("the first batch after the flood holds lanes B=%v untagged=%v; want both (batches %s)",
						slices.Contains(first, wsB), slices.Contains(first, 0), sizes(batches))
				}
				// Three lanes with work: on SQLite the batch is bounded
				// by their shares, so B's write waits for a short batch;
				// once A is alone its batches fill again. PostgreSQL's
				// batches are not bounded (see lanes.go).
				want := 3 * db.FairShare(d)
				if d.Dialect == db.Postgres {
					want = db.MaxBatch(d)
				}
				if len(first) != want {
					t.Errorf("first batch of %d jobs, want three lanes' shares (%d)", len(first), want)
				}
				if d.Dialect == db.SQLite && (len(batches) < 2 || len(batches[1]) != db.MaxBatch(d)) {
					t.Errorf("batches %s: want the second, workspace A's alone, full (%d): sharing must not cost A its batching once alone",
						sizes(batches), db.MaxBatch(d))
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workspaces WHERE name LIKE 'a-%' OR name LIKE 'b-%' OR name LIKE 'untagged-%'`); n != nA+2 {
					t.Errorf("rows written = %d, want %d", n, nA+2)
				}
			})
		})
	}
}

// recordBatches records the lanes of every batch d's writer takes from
// now on; the function it returns gives those taken so far.
func recordBatches(d *db.DB) func() [][]int64 {
	var mu sync.Mutex
	var batches [][]int64
	d.OnBatch(func(jobs []db.BatchJob) {
		lanes := make([]int64, len(jobs))
		for i, j := range jobs {
			lanes[i] = j.Lane
		}
		mu.Lock()
		batches = append(batches, lanes)
		mu.Unlock()
	})
	return func() [][]int64 {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(batches)
	}
}

// sizes describes batches by their lanes' job counts, for failures.
func sizes(batches [][]int64) string {
	var s []string
	for _, b := range batches {
		n := map[int64]int{}
		for _, l := range b {
			n[l]++
		}
		s = append(s, fmt.Sprint(n))
	}
	return fmt.Sprint(s)
}

// With one workspace writing, batches fill up to the most a batch holds,
// as group commit's did before lanes, even with untagged (background)
// writes waiting beside it: the bound of shared batches is for two
// workspaces.
func TestWriteFillsBatchesOfOneWorkspace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		release := heldWriters(t, d)
		taken := recordBatches(d)
		max := db.MaxBatch(d)
		res := writes(t, d, db.WithWorkspace(context.Background(), 3), false, "a", max+1)
		resU := writes(t, d, context.Background(), false, "untagged", 10)
		release()
		answered(t, "workspace A", res, max+1)
		answered(t, "untagged", resU, 10)
		batches := taken()
		if len(batches) != 2 || len(batches[0]) != max || len(batches[1]) != 11 {
			t.Fatalf("batches %s, want one of %d then one of 11", sizes(batches), max)
		}
	})
}

// Close finishes every write queued before it, in both queues and every
// lane, and refuses those after.
func TestCloseDrainsEveryLane(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		release := heldWriters(t, d)
		ctx := context.Background()
		var res []<-chan error
		for _, lane := range []int64{0, 1, 2} {
			for _, concurrent := range []bool{false, true} {
				res = append(res, writes(t, d, db.WithWorkspace(ctx, lane), concurrent, fmt.Sprintf("l%d-%v", lane, concurrent), 50))
			}
		}
		closed := make(chan struct{})
		go func() {
			d.Close()
			close(closed)
		}()
		deadline := time.Now().Add(time.Minute)
		for !d.WriteClosed() {
			if time.Now().After(deadline) {
				t.Fatal("Close did not mark the store closed")
			}
			runtime.Gosched()
		}
		if err := d.Write(ctx, insertWorkspace("late")); !errors.Is(err, db.ErrClosed) {
			t.Errorf("Write after Close = %v, want ErrClosed", err)
		}
		release()
		for i, r := range res {
			answered(t, fmt.Sprintf("queue %d", i), r, 50)
		}
		<-closed
	})
}
