package due_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// schedule is a fake kind of work: times it is due at, and the passes
// that ran.
type schedule struct {
	mu     sync.Mutex
	at     []time.Time
	passes []time.Time
	fail   int // passes still to fail
	clk    *clock.Fake
}

func (s *schedule) add(t time.Time) { s.mu.Lock(); s.at = append(s.at, t); s.mu.Unlock() }

func (s *schedule) ran() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.passes)
}

func (s *schedule) pass(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	s.passes = append(s.passes, now)
	if s.fail > 0 {
		s.fail--
		return time.Time{}, errors.New("boom")
	}
	var next time.Time
	rest := s.at[:0]
	for _, t := range s.at {
		if t.After(now) {
			rest = append(rest, t)
			if next.IsZero() || t.Before(next) {
				next = t
			}
		}
	}
	s.at = rest
	return next, nil
}

func setup(t *testing.T) (*db.DB, *clock.Fake, *background.Group, *due.Runner, *schedule) {
	d := dbtest.Open(t, db.SQLite)
	clk := clock.NewFake(start)
	d.SetClock(clk)
	g := background.NewGroup(clk)
	r := due.New(d, due.Options{Group: g})
	s := &schedule{clk: clk}
	r.Register(due.Kind{Name: "test", Pass: s.pass})
	return d, clk, g, r, s
}

// The runner runs a kind's pass as it starts, then sleeps until the time
// the pass returned — not before — and an idle runner does nothing however
// long the clock runs.
func TestRunnerSleepsUntilDue(t *testing.T) {
	_, clk, g, r, s := setup(t)
	s.add(start.Add(time.Hour))
	backgroundtest.Run(t, g, r.Run)
	backgroundtest.WaitIdle(t, g)
	if n := len(s.ran()); n != 1 {
		t.Fatalf("passes at start = %d, want 1", n)
	}
	clk.Advance(time.Hour - time.Millisecond)
	backgroundtest.WaitIdle(t, g)
	if n := len(s.ran()); n != 1 {
		t.Fatalf("a pass ran before the work was due")
	}
	clk.Advance(time.Millisecond)
	backgroundtest.WaitIdle(t, g)
	if got := s.ran(); len(got) != 2 || !got[1].Equal(start.Add(time.Hour)) {
		t.Fatalf("passes = %v, want one at the due time", got)
	}
	clk.Advance(24 * time.Hour)
	backgroundtest.WaitIdle(t, g)
	if n := len(s.ran()); n != 2 {
		t.Fatalf("an idle runner ran %d passes", n-2)
	}
}

// Work recorded in a transaction reaches the runner when it commits: it
// then runs the kind's pass when that work falls due.
func TestRunnerWokenByTxDue(t *testing.T) {
	d, clk, g, r, s := setup(t)
	backgroundtest.Run(t, g, r.Run)
	backgroundtest.WaitIdle(t, g)
	at := start.Add(time.Minute)
	s.add(at)
	if err := d.Write(context.Background(), func(tx *db.Tx) error { tx.Due("test", db.Millis(at)); return nil }); err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, g)
	if n := len(s.ran()); n != 1 {
		t.Fatalf("passes = %d, want 1 (the work is not due yet)", n)
	}
	clk.Advance(time.Minute)
	backgroundtest.WaitIdle(t, g)
	if got := s.ran(); len(got) != 2 || !got[1].Equal(at) {
		t.Fatalf("passes = %v, want a second one at %v", got, at)
	}
}

// A failing pass is retried with a doubling delay, and a success resets it.
func TestRunnerRetriesWithBackoff(t *testing.T) {
	got := failingPasses(t, time.Second, 3)
	want := []time.Time{start, start.Add(time.Second), start.Add(3 * time.Second), start.Add(7 * time.Second)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("passes at %v, want %v", got, want)
	}
}

// The doubling stops at 30 s unless the kind says otherwise: work
// customers wait for resumes soon after the store recovers.
func TestRunnerBackoffIsBounded(t *testing.T) {
	got := failingPasses(t, 10*time.Second, 5)
	var want []time.Time
	for _, s := range []int{0, 10, 30, 60, 90, 120} {
		want = append(want, start.Add(time.Duration(s)*time.Second))
	}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("passes at %v, want %v", got, want)
	}
}

// failingPasses runs a kind whose first fail passes fail, moving the fake
// clock to each retry, and returns when its passes ran.
func failingPasses(t *testing.T, retry time.Duration, fail int) []time.Time {
	d := dbtest.Open(t, db.SQLite)
	clk := clock.NewFake(start)
	d.SetClock(clk)
	g := background.NewGroup(clk)
	r := due.New(d, due.Options{Group: g, Logger: discard()})
	s := &schedule{clk: clk, fail: fail}
	r.Register(due.Kind{Name: "test", Pass: s.pass, Retry: retry})
	backgroundtest.Run(t, g, r.Run)
	for range fail + 1 {
		backgroundtest.WaitIdle(t, g)
		next, ok := clk.Next()
		if !ok {
			break
		}
		clk.Set(next)
	}
	backgroundtest.WaitIdle(t, g)
	return s.ran()
}

// Claim leases due rows, oldest first, to one node, skipping rows leased
// and rows not due; a second claim takes none of the first's.
func TestClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tbl := due.Table{Name: "due_test", Due: "due_at", Where: "j.due_at > 0"}
		err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `CREATE TABLE due_test (id BIGINT PRIMARY KEY, due_at BIGINT NOT NULL, lease_until BIGINT NOT NULL DEFAULT 0, lease_node BIGINT NOT NULL DEFAULT 0)`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO due_test (id, due_at, lease_until) VALUES (1, 30, 0), (2, 10, 0), (3, 20, 500), (4, 200, 0), (5, 0, 0), (6, 40, 0)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		claim := func(node int64, n int) (ids []int64) {
			err := d.Write(ctx, func(tx *db.Tx) (err error) {
				ids, err = due.Claim(ctx, tx, tbl, 100, 1000, node, n)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return ids
		}
		if got := claim(7, 2); !slices.Equal(got, []int64{1, 2}) {
			t.Fatalf("first claim = %v, want [1 2] (oldest due first)", got)
		}
		if got := claim(8, 10); !slices.Equal(got, []int64{6}) {
			t.Fatalf("second claim = %v, want [6]", got)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM due_test WHERE lease_node = 7 AND lease_until = 1000`); n != 2 {
			t.Fatalf("rows leased to node 7 = %d, want 2", n)
		}
	})
}

// /metrics reports each kind's backlog: how much is overdue and for how long.
func TestBacklogMetric(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	clk := clock.NewFake(start)
	d.SetClock(clk)
	m := metrics.New()
	r := due.New(d, due.Options{Metrics: m})
	r.Register(due.Kind{Name: "tokens", Pass: func(context.Context) (time.Time, error) { return time.Time{}, nil },
		Backlog: due.Overdue(d, `SELECT COUNT(*), COALESCE(MIN(due_at), 0) FROM due_test WHERE due_at <= ?`)})
	ctx := context.Background()
	err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE due_test (id BIGINT PRIMARY KEY, due_at BIGINT NOT NULL)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO due_test (id, due_at) VALUES (1, ?), (2, ?), (3, ?)`,
			db.Millis(start.Add(-90*time.Second)), db.Millis(start.Add(-time.Second)), db.Millis(start.Add(time.Hour)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{`switchboard_due_backlog{kind="tokens"} 2`, `switchboard_due_backlog_oldest_seconds{kind="tokens"} 90`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// A failing kind waits out its backoff whatever news of work arrives
// meanwhile: on a busy node every commit says work is due, and a pass
// that kept failing (a broken row, a bad query) ran on each of them,
// logging an error every time, instead of every second, then every 30.
func TestNewsDoesNotCutAFailingKindsBackoffShort(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	clk := clock.NewFake(start)
	d.SetClock(clk)
	g := background.NewGroup(clk)
	r := due.New(d, due.Options{Group: g, Logger: discard()})
	s := &schedule{clk: clk, fail: 1000}
	r.Register(due.Kind{Name: "test", Pass: s.pass, Retry: time.Second})
	backgroundtest.Run(t, g, r.Run)
	backgroundtest.WaitIdle(t, g)
	for range 5 {
		if err := d.Write(context.Background(), func(tx *db.Tx) error { tx.Due("test", 0); return nil }); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)
	}
	if got := s.ran(); len(got) != 1 {
		t.Fatalf("passes at %v, want only the first: news of work must not retry a failing kind before its backoff", got)
	}
	clk.Advance(time.Second)
	backgroundtest.WaitIdle(t, g)
	if got := s.ran(); len(got) != 2 || !got[1].Equal(start.Add(time.Second)) {
		t.Fatalf("passes at %v, want the retry after a second", got)
	}
	// A success ends the backoff: news is heard at once again.
	s.mu.Lock()
	s.fail = 0
	s.mu.Unlock()
	clk.Advance(2 * time.Second)
	backgroundtest.WaitIdle(t, g)
	if err := d.Write(context.Background(), func(tx *db.Tx) error { tx.Due("test", 0); return nil }); err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, g)
	if got := s.ran(); len(got) != 4 || !got[3].Equal(start.Add(3*time.Second)) {
		t.Fatalf("passes at %v, want a retry at 3 s that succeeds, then one at once for the news", got)
	}
}

// A pass that panics (a bug in one kind's code) is a failed pass: it is
// retried after the backoff, and the runner and the other kinds run on.
// Passes run in goroutines of their own, out of reach of the app's
// supervisor, so a panic there ended the whole node. Work a kind runs
// beyond its pass (Handle.Go) is guarded alike.
func TestAPanickingPassIsAFailedPass(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	clk := clock.NewFake(start)
	d.SetClock(clk)
	g := background.NewGroup(clk)
	r := due.New(d, due.Options{Group: g, Logger: discard()})
	var mu sync.Mutex
	var panicking []time.Time
	var h *due.Handle
	h = r.Register(due.Kind{Name: "panics", Retry: time.Second, Pass: func(context.Context) (time.Time, error) {
		mu.Lock()
		panicking = append(panicking, clk.Now())
		n := len(panicking)
		mu.Unlock()
		if n == 1 {
			panic("a bug")
		}
		if n == 2 {
			h.Go(func() { panic("a bug beyond the pass") })
		}
		return time.Time{}, nil
	}})
	s := &schedule{clk: clk}
	r.Register(due.Kind{Name: "test", Pass: s.pass})
	backgroundtest.Run(t, g, r.Run)
	backgroundtest.WaitIdle(t, g)
	clk.Advance(time.Second)
	backgroundtest.WaitIdle(t, g)
	mu.Lock()
	got := slices.Clone(panicking)
	mu.Unlock()
	// The second pass's work panicked too; its end makes the kind look again.
	want := []time.Time{start, start.Add(time.Second), start.Add(time.Second)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatalf("the panicking kind's passes ran at %v, want %v: retried after its backoff", got, want)
	}
	at := clk.Now().Add(time.Minute)
	s.add(at)
	if err := d.Write(context.Background(), func(tx *db.Tx) error { tx.Due("test", db.Millis(at)); return nil }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	backgroundtest.WaitIdle(t, g)
	if got := s.ran(); len(got) != 2 || !got[1].Equal(at) {
		t.Fatalf("the other kind's passes ran at %v, want a second one at %v", got, at)
	}
}
