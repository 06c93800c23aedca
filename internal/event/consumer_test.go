package event_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// node is one store handle as a node has it: a hub told of its commits,
// its engines' group on a fake clock, and the consumers it runs.
type node struct {
	d     *db.DB
	hub   *event.Hub
	g     *background.Group
	clock *clock.Fake
}

func newNode(d *db.DB, c *clock.Fake) *node {
	d.SetClock(c)
	n := &node{d: d, hub: event.NewHub(), g: background.NewGroup(c), clock: c}
	d.OnEvents(n.hub.Notify)
	return n
}

// recorder is a handler that writes, in the handler's transaction, a row
// per event it handles (the effect that must happen exactly once), and
// remembers the ids of the batches that committed, in order.
type recorder struct {
	mu        sync.Mutex
	committed []int64
	calls     atomic.Int64
	fail      atomic.Int64 // calls left to fail
	failWith  error        // what they fail with (errHandler if nil)
}

var errHandler = errors.New("handler failed")

func (r *recorder) handle(ctx context.Context, tx *db.Tx, events []event.Event) error {
	r.calls.Add(1)
	if r.fail.Load() > 0 {
		r.fail.Add(-1)
		if r.failWith != nil {
			return r.failWith
		}
		return errHandler
	}
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.ID
		if _, err := tx.Exec(ctx, `INSERT INTO handled (event_id) VALUES (?)`, e.ID); err != nil {
			return err
		}
	}
	tx.OnCommit(func() { r.mu.Lock(); r.committed = append(r.committed, ids...); r.mu.Unlock() })
	return nil
}

func (r *recorder) ids() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.committed)
}

// setup creates a workspace and the test's effect table, and returns the
// workspace.
func setup(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var ws int64
	if err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE handled (event_id BIGINT NOT NULL)`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
	}); err != nil {
		t.Fatal(err)
	}
	return ws
}

// appendEvents commits one transaction appending an event of each type.
func appendEvents(t *testing.T, d *db.DB, ws int64, types ...event.Type) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	if err := d.Write(ctx, func(tx *db.Tx) error {
		ids = ids[:0]
		for _, typ := range types {
			e, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: typ})
			if err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

func repeat(typ event.Type, n int) []event.Type {
	out := make([]event.Type, n)
	for i := range out {
		out[i] = typ
	}
	return out
}

func (n *node) consumer(t *testing.T, name string, r *recorder, cfg event.ConsumerConfig) *event.Consumer {
	cfg.Name, cfg.Handle = name, r.handle
	return event.NewConsumer(n.d, n.hub, n.g, cfg)
}

func newClock() *clock.Fake { return clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) }

// Every wanted event is handled once, in id order, in batches; other
// types and filtered events are passed over; the consumer's position
// ends at the newest event, its stored cursor at or after the last
// handled one.
func TestConsumerDeliversEveryEventOnceInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNode(d, newClock())
		ws := setup(t, d)
		r := &recorder{}
		c := n.consumer(t, "test", r, event.ConsumerConfig{Batch: 7,
			Types:  []event.Type{event.ContactCreated, event.ContactUpdated},
			Filter: func(e event.Event) bool { return e.ID%5 != 0 }})
		backgroundtest.Run(t, n.g, c.Run)
		backgroundtest.WaitIdle(t, n.g)
		var want []int64
		for range 10 {
			ids := appendEvents(t, d, ws, event.ContactCreated, event.MessageReceived, event.ContactUpdated, event.ContactCreated)
			for i, id := range ids {
				if i != 1 && id%5 != 0 {
					want = append(want, id)
				}
			}
		}
		backgroundtest.WaitIdle(t, n.g)
		if got := r.ids(); !slices.Equal(got, want) {
			t.Fatalf("handled %v,\nwant %v", got, want)
		}
		if rows := dbtest.Count(t, d, `SELECT COUNT(*) FROM handled`); rows != len(want) {
			t.Fatalf("effects = %d, want %d", rows, len(want))
		}
		// The stored cursor covers every handled event. Events passed over
		// after the last handled batch (filtered, or not of its types) move
		// only the consumer's position, not the stored cursor (see
		// PassedOverWrite): where that batch ended depends on how the
		// appends met the consumer's reads, and on PostgreSQL on the ids.
		last := want[len(want)-1]
		if cur := dbtest.Count(t, d, `SELECT COUNT(*) FROM event_consumers WHERE name = 'test' AND last_id >= ? AND last_id <= (SELECT MAX(id) FROM events)`, last); cur != 1 {
			t.Fatalf("the stored cursor is not between the last handled event %d and the newest", last)
		}
		if c.Lag() != 0 {
			t.Fatalf("lag = %d once caught up: its position is not at the newest event", c.Lag())
		}
	})
}

// A commit that appended no event wakes no consumer; one that did wakes
// it once, and a wake-up for events it already has reads nothing.
func TestConsumerWakesOnlyOnAppendedEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNode(d, newClock())
		ws := setup(t, d)
		c := n.consumer(t, "test", &recorder{}, event.ConsumerConfig{})
		backgroundtest.Run(t, n.g, c.Run)
		backgroundtest.WaitIdle(t, n.g)
		ctx := context.Background()
		passes, reads, notifies := c.Passes(), c.Reads(), n.hub.Notifies()
		for range 5 {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE workspaces SET name = 'x' WHERE id = ?`, ws)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		backgroundtest.WaitIdle(t, n.g)
		if c.Passes() != passes || c.Reads() != reads || n.hub.Notifies() != notifies {
			t.Fatalf("commits without events: passes %d→%d, reads %d→%d, hub notified %d→%d",
				passes, c.Passes(), reads, c.Reads(), notifies, n.hub.Notifies())
		}
		appendEvents(t, d, ws, event.ContactCreated)
		backgroundtest.WaitIdle(t, n.g)
		if c.Passes() != passes+1 || c.Reads() != reads+1 || c.Batches() != 1 {
			t.Fatalf("one commit with an event: passes +%d, reads +%d, batches %d; want 1 each",
				c.Passes()-passes, c.Reads()-reads, c.Batches())
		}
		n.hub.Notify(n.hub.Last()) // news of nothing new
		backgroundtest.WaitIdle(t, n.g)
		if c.Reads() != reads+1 {
			t.Fatal("a wake-up for events already handled read the log")
		}
	})
}

// retrying starts a node whose consumer hands its batches to r (backoff
// 1 s, at most a minute), appends events contact events and lets the node
// settle. It returns the node, the workspace, the consumer, the events'
// ids and a step of the test: move the node's clock on by d, let the node
// settle, check the handler has been called calls times in all.
func retrying(t *testing.T, d *db.DB, r *recorder, events int) (*node, int64, *event.Consumer, []int64, func(d time.Duration, calls int64)) {
	t.Helper()
	n := newNode(d, newClock())
	ws := setup(t, d)
	c := n.consumer(t, "test", r, event.ConsumerConfig{Backoff: time.Second, MaxBackoff: time.Minute})
	backgroundtest.Run(t, n.g, c.Run)
	backgroundtest.WaitIdle(t, n.g)
	want := appendEvents(t, d, ws, repeat(event.ContactCreated, events)...)
	backgroundtest.WaitIdle(t, n.g)
	return n, ws, c, want, func(d time.Duration, calls int64) {
		t.Helper()
		n.clock.Advance(d)
		backgroundtest.WaitIdle(t, n.g)
		if r.calls.Load() != calls {
			t.Fatalf("after %v more: handler called %d times, want %d", d, r.calls.Load(), calls)
		}
	}
}

// A failing handler rolls its batch back; the batch is delivered again
// after a backoff on the store's clock that doubles with each failure
// and that news of more events does not cut short. Meanwhile the lag
// metric shows the events waiting.
func TestConsumerRetriesWithBackoffAndReportsLag(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		r := &recorder{}
		r.fail.Store(2)
		n, ws, c, want, step := retrying(t, d, r, 3)
		step(0, 1)
		if c.Lag() != 3 {
			t.Fatalf("lag = %d with 3 events unhandled", c.Lag())
		}
		if got := lagMetric(t, n.hub); got != `switchboard_consumer_lag_events{consumer="test"} 3`+"\n"+
			`switchboard_consumer_lag_seconds{consumer="test"} 0` {
			t.Fatalf("metrics:\n%s", got)
		}
		step(999*time.Millisecond, 1)
		step(time.Millisecond, 2) // second failure: the wait doubles
		if got := lagMetric(t, n.hub); got != `switchboard_consumer_lag_events{consumer="test"} 3`+"\n"+
			`switchboard_consumer_lag_seconds{consumer="test"} 1` {
			t.Fatalf("metrics after a second:\n%s", got)
		}
		want = append(want, appendEvents(t, d, ws, event.ContactCreated)...)
		backgroundtest.WaitIdle(t, n.g)
		step(0, 2) // news of an event does not cut the backoff short
		step(1999*time.Millisecond, 2)
		step(time.Millisecond, 3)
		if got := r.ids(); !slices.Equal(got, want) {
			t.Fatalf("handled %v, want %v", got, want)
		}
		if rows := dbtest.Count(t, d, `SELECT COUNT(*) FROM handled`); rows != len(want) {
			t.Fatalf("effects = %d, want %d: a failed batch left writes", rows, len(want))
		}
		if c.Failures() != 2 {
			t.Fatalf("failures = %d, want 2", c.Failures())
		}
		if got := lagMetric(t, n.hub); got != `switchboard_consumer_lag_events{consumer="test"} 0`+"\n"+
			`switchboard_consumer_lag_seconds{consumer="test"} 0` {
			t.Fatalf("metrics once caught up:\n%s", got)
		}
	})
}

// A batch that failed on a lock conflict (here giving way on a lock's
// order, through all of the write's own retries) is delivered again after
// a tenth of a second, not the full backoff: the conflict ends as soon as
// the other transaction commits, and every event behind the batch waits.
// A second such failure in a row doubles the wait.
func TestConsumerRetriesALockConflictSoon(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tries := int64(6) // a write's: the first and its five retries
		r := &recorder{failWith: fmt.Errorf("routing: assign: %w", db.ErrLockOrder)}
		r.fail.Store(2 * tries)
		_, _, c, want, step := retrying(t, d, r, 2)
		step(0, tries)
		step(99*time.Millisecond, tries)
		step(time.Millisecond, 2*tries) // failed again: the wait doubles
		step(199*time.Millisecond, 2*tries)
		step(time.Millisecond, 2*tries+1)
		if got := r.ids(); !slices.Equal(got, want) {
			t.Fatalf("handled %v, want %v", got, want)
		}
		if c.Failures() != 2 {
			t.Fatalf("failures = %d, want 2", c.Failures())
		}
	})
}

// A node that stops (or crashes) and starts again resumes from the stored
// cursor: what it handled is not handled again, what was appended while
// it was away is.
func TestConsumerResumesFromItsCursor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := newClock()
		first := newNode(d, clk)
		ws := setup(t, d)
		r := &recorder{}
		c := first.consumer(t, "test", r, event.ConsumerConfig{})
		ctx, stop := context.WithCancel(context.Background())
		first.g.StartAll()
		done := make(chan struct{})
		go func() { defer close(done); c.Run(ctx) }()
		backgroundtest.WaitIdle(t, first.g)
		var want []int64
		for range 3 { // a pass each
			want = append(want, appendEvents(t, d, ws, repeat(event.ContactCreated, 2)...)...)
			backgroundtest.WaitIdle(t, first.g)
		}
		stop()
		<-done
		// SQLite has one node, the cursor's only writer: it reads the row
		// once, then knows it from its own batches.
		if d.Dialect == db.SQLite && (c.CursorReads() != 1 || c.Passes() < 4) {
			t.Fatalf("%d cursor reads in %d passes, want 1", c.CursorReads(), c.Passes())
		}
		want = append(want, appendEvents(t, d, ws, repeat(event.ContactUpdated, 3)...)...)

		second := newNode(d, clk) // a fresh node: its hub has heard of nothing yet
		c2 := second.consumer(t, "test", r, event.ConsumerConfig{})
		backgroundtest.Run(t, second.g, c2.Run)
		backgroundtest.WaitIdle(t, second.g)
		if got := r.ids(); !slices.Equal(got, want) {
			t.Fatalf("handled %v, want %v (each once)", got, want)
		}
		if rows := dbtest.Count(t, d, `SELECT COUNT(DISTINCT event_id) FROM handled`); rows != len(want) ||
			dbtest.Count(t, d, `SELECT COUNT(*) FROM handled`) != len(want) {
			t.Fatal("an event was handled twice across the restart")
		}
	})
}

// Two nodes (two store handles) run a consumer of one name while both
// append: every event is handled, and no batch by both.
func TestConsumerOnTwoNodesNeverHandlesABatchTwice(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			ctx := context.Background()
			clk := newClock()
			var nodes []*node
			for range 2 {
				d, err := db.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				nodes = append(nodes, newNode(d, clk))
			}
			ws := setup(t, nodes[0].d)
			r := &recorder{}
			for _, n := range nodes {
				c := n.consumer(t, "shared", r, event.ConsumerConfig{Batch: 5})
				backgroundtest.Run(t, n.g, c.Run)
				backgroundtest.WaitIdle(t, n.g) // its cursor row exists: it starts from here
			}
			var wg sync.WaitGroup
			for _, n := range nodes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 20 {
						appendEvents(t, n.d, ws, event.ContactCreated, event.ContactUpdated)
					}
				}()
			}
			wg.Wait()
			// What the other node committed reaches each through its
			// listener on PostgreSQL; tell both the newest event directly,
			// as the listener would.
			newest := int64(dbtest.Count(t, nodes[0].d, `SELECT MAX(id) FROM events`))
			for _, n := range nodes {
				n.hub.Notify(newest)
			}
			for _, n := range nodes {
				backgroundtest.WaitIdle(t, n.g)
			}
			total := dbtest.Count(t, nodes[0].d, `SELECT COUNT(*) FROM events`)
			if got := dbtest.Count(t, nodes[0].d, `SELECT COUNT(*) FROM handled`); got != total {
				t.Fatalf("effects = %d for %d events: a batch was handled twice or missed", got, total)
			}
			if got := dbtest.Count(t, nodes[0].d, `SELECT COUNT(DISTINCT event_id) FROM handled`); got != total {
				t.Fatalf("%d distinct events handled of %d", got, total)
			}
		})
	}
}

// lagMetric gathers the hub's lag metric as "name{consumer="x"} value" lines.
func lagMetric(t *testing.T, hub *event.Hub) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(event.LagCollector(hub))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			lines = append(lines, fmt.Sprintf("%s{consumer=%q} %g", mf.GetName(), m.GetLabel()[0].GetValue(), m.GetGauge().GetValue()))
		}
	}
	return strings.Join(lines, "\n")
}

// A new consumer starts at the newest event, unless it asks for the
// whole history (a projection such as reports).
func TestConsumerStartsAtTheEndOrFromStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNode(d, newClock())
		ws := setup(t, d)
		before := appendEvents(t, d, ws, event.ContactCreated, event.ContactUpdated, event.ContactCreated)
		late, history := &recorder{}, &recorder{}
		backgroundtest.Run(t, n.g, n.consumer(t, "late", late, event.ConsumerConfig{}).Run,
			n.consumer(t, "history", history, event.ConsumerConfig{FromStart: true}).Run)
		backgroundtest.WaitIdle(t, n.g)
		after := appendEvents(t, d, ws, event.ContactUpdated)
		backgroundtest.WaitIdle(t, n.g)
		if got := late.ids(); !slices.Equal(got, after) {
			t.Errorf("a new consumer handled %v, want only what came after it started %v", got, after)
		}
		if got, want := history.ids(), append(before, after...); !slices.Equal(got, want) {
			t.Errorf("a FromStart consumer handled %v, want the whole log %v", got, want)
		}
	})
}
