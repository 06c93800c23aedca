package db

import (
	"context"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// slowWrite is how long a write transaction may stay open before the
// committer reports it. While open it holds every row it changed, so
// writes of other batches and nodes that need one of them wait; a batch
// normally commits in milliseconds. The report names what kept it open,
// which the database's own log cannot: PostgreSQL sees an idle session
// between statements, not the Go code it waits for.
const slowWrite = 2 * time.Second

// SlowWrite describes a write transaction that stayed open at least
// slowWrite, from its BEGIN to the end of its COMMIT.
type SlowWrite struct {
	Held    time.Duration // BEGIN to the end of COMMIT (or of the rollback)
	Locking time.Duration // taking the write lock and the jobs' declared rows
	Commit  time.Duration // the COMMIT itself (0 when the batch was rolled back)
	Jobs    int           // jobs in the batch
	Shared  bool          // a batch of WriteConcurrent
	// Slowest is the function of the job that ran longest (the one given
	// to Write), SlowestLabel what its caller called it (WithLabel), and
	// SlowestTook how long it ran.
	Slowest      string
	SlowestLabel string
	SlowestTook  time.Duration
}

type labelKey struct{}

// WithLabel names the write made with ctx for a slow write's report,
// where its function alone does not say enough: every event consumer's
// batch is the same closure, so a consumer labels its writes with its
// name.
func WithLabel(ctx context.Context, label string) context.Context {
	return context.WithValue(ctx, labelKey{}, label)
}

func labelOf(ctx context.Context) string {
	l, _ := ctx.Value(labelKey{}).(string)
	return l
}

// OnSlowWrite has f told every write transaction that stays open over
// slowWrite, instead of the log's warning. For tests, before their first
// write: the writers read it unguarded.
func (d *DB) OnSlowWrite(f func(SlowWrite)) { d.committer.onSlow = f }

// batchTimer times one try of a batch on the wall clock: its phases and
// its slowest job.
type batchTimer struct {
	clock                 clock.Clock
	began, locked, commit time.Time
	slowest               int
	slowestTook           time.Duration
}

func (c *committer) startTimer() batchTimer {
	wall := clock.OrReal(c.d.wallClock)
	return batchTimer{clock: wall, began: wall.Now(), slowest: -1}
}

// ran notes that batch[i]'s job, started at start, has returned.
func (bt *batchTimer) ran(i int, start time.Time) {
	if took := bt.clock.Now().Sub(start); bt.slowest < 0 || took > bt.slowestTook {
		bt.slowest, bt.slowestTook = i, took
	}
}

// reportIfSlow reports the try if it held its transaction over slowWrite.
func (c *committer) reportIfSlow(bt *batchTimer, batch []*job) {
	end := bt.clock.Now()
	held := end.Sub(bt.began)
	if held < slowWrite {
		return
	}
	s := SlowWrite{Held: held, Jobs: len(batch), Shared: batch[0].shared}
	if !bt.locked.IsZero() {
		s.Locking = bt.locked.Sub(bt.began)
	}
	if !bt.commit.IsZero() {
		s.Commit = end.Sub(bt.commit)
	}
	if bt.slowest >= 0 {
		j := batch[bt.slowest]
		s.Slowest, s.SlowestLabel, s.SlowestTook = funcName(j.fn), labelOf(j.ctx), bt.slowestTook
	}
	if c.onSlow != nil {
		c.onSlow(s)
		return
	}
	slog.Warn("db: a write transaction stayed open long; writes needing its rows waited",
		"held", s.Held, "locking", s.Locking, "commit", s.Commit, "jobs", s.Jobs, "shared", s.Shared,
		"slowest", s.Slowest, "slowest_label", s.SlowestLabel, "slowest_took", s.SlowestTook)
}

// funcName names fn as the stack would, without the module's path:
// "routing.(*Engine).claim.func1" for a closure of claim.
func funcName(fn any) string {
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return "?"
	}
	name := f.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return name
}
