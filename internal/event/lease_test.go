package event_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

const leaseTerm = 6 * time.Second

// leasedNode is a node whose hub runs its consumers under leases held by
// node id holder, with a consumer of the name "shared" recording what it
// handles in r.
type leasedNode struct {
	*node
	leases *event.Leases
	c      *event.Consumer
	r      *recorder
}

// twoLeasedNodes opens two handles on one store, each a node with
// leases of its own (node ids 1 and 2) and a consumer "shared" of cfg.
func twoLeasedNodes(t *testing.T, dialect db.Dialect, clk *clock.Fake, cfg event.ConsumerConfig) []*leasedNode {
	t.Helper()
	store := dbtest.Config(t, dialect) // one store, two handles
	var nodes []*leasedNode
	for i := range 2 {
		d, err := db.Open(context.Background(), store)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		n := &leasedNode{node: newNode(d, clk), leases: event.NewLeases(d, int64(i+1), leaseTerm), r: &recorder{}}
		n.hub.UseLeases(n.leases)
		n.c = n.consumer(t, "shared", n.r, cfg)
		nodes = append(nodes, n)
	}
	return nodes
}

// renew runs the node's heartbeat's part: its leases renewed, in a
// transaction of their own.
func (n *leasedNode) renew(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := n.d.WriteConcurrent(ctx, func(tx *db.Tx) error { return n.leases.Renew(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, n.g)
}

// One node at a time runs a consumer: the holder of its lease. The other
// is not even woken while the holder renews; it takes over once the
// holder stops renewing and its lease lapses; while both believe they
// hold it (the old holder has not renewed since), each batch is still
// handled once; and a node that regains the lease resumes from the shared
// cursor, not from where it stopped.
func TestLeaseRunsAConsumerOnOneNodeAtATime(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			clk := newClock()
			nodes := twoLeasedNodes(t, dialect, clk, event.ConsumerConfig{Batch: 4})
			a, b := nodes[0], nodes[1]
			ws := setup(t, a.d)
			// a starts first and takes the free lease; b finds it held.
			for _, n := range nodes {
				backgroundtest.Run(t, n.g, n.c.Run)
				backgroundtest.WaitIdle(t, n.g)
			}
			if !a.c.Leased() || b.c.Leased() {
				t.Fatalf("leased: a %v, b %v; want a only", a.c.Leased(), b.c.Leased())
			}
			// Both append, both hear of it: only a works.
			var want []int64
			round := func() []int64 {
				t.Helper()
				var ids []int64
				for _, n := range nodes {
					ids = append(ids, appendEvents(t, n.d, ws, event.ContactCreated, event.ContactUpdated, event.ContactCreated)...)
				}
				newest := slices.Max(ids)
				for _, n := range nodes {
					n.hub.Notify(newest) // as the listener would tell of the other's commit
				}
				for _, n := range nodes {
					backgroundtest.WaitIdle(t, n.g)
				}
				want = append(want, ids...)
				return ids
			}
			bPasses, bReads, aCursor := b.c.Passes(), b.c.Reads(), a.c.CursorReads()
			first := round()
			a.renew(t)
			b.renew(t)
			second := round()
			// The holder read its cursor row once, on its first pass after
			// it took the lease; no other node moves it while it holds it.
			if got := a.c.CursorReads() - aCursor; got != 1 {
				t.Fatalf("the holder read its cursor row %d times over %d passes, want once", got, a.c.Passes())
			}
			if b.c.Passes() != bPasses || b.c.Reads() != bReads {
				t.Fatalf("the node without the lease passed %d times and read %d times, want none",
					b.c.Passes()-bPasses, b.c.Reads()-bReads)
			}
			if got := a.r.ids(); !slices.Equal(got, append(slices.Clone(first), second...)) {
				t.Fatalf("the holder handled %v, want %v", got, append(first, second...))
			}
			if b.c.Leased() || b.c.Lag() != 0 {
				t.Fatalf("b leased %v, lag %d: the holder alone reports the lag", b.c.Leased(), b.c.Lag())
			}

			// a stops renewing: once its lease lapsed, b's heartbeat takes it.
			clk.Advance(leaseTerm - time.Millisecond)
			b.renew(t)
			if b.c.Leased() {
				t.Fatal("b took a lease that had not lapsed")
			}
			clk.Advance(2 * time.Millisecond)
			b.renew(t)
			if !b.c.Leased() {
				t.Fatal("b did not take the lapsed lease")
			}
			// The overlap: a has not renewed, and still runs.
			if !a.c.Leased() {
				t.Fatal("a stopped before it heard")
			}
			for range 3 {
				round()
			}
			// a hears that it lost the lease, and stops.
			a.renew(t)
			if a.c.Leased() {
				t.Fatal("a kept a lease b holds")
			}
			aPasses, aReads := a.c.Passes(), a.c.Reads()
			third := round()
			if a.c.Passes() != aPasses || a.c.Reads() != aReads {
				t.Fatalf("the old holder passed %d times and read %d times after it lost the lease, want none",
					a.c.Passes()-aPasses, a.c.Reads()-aReads)
			}
			if got := b.r.ids(); len(got) < len(third) || !slices.Equal(got[len(got)-len(third):], third) {
				t.Fatalf("the new holder handled %v, want it to end with %v", got, third)
			}

			// b stops renewing; a regains the lease and resumes from the
			// shared cursor, which b moved past everything so far: it
			// reads nothing until new events come.
			clk.Advance(leaseTerm + time.Millisecond)
			aHandled := len(a.r.ids())
			a.renew(t)
			if !a.c.Leased() {
				t.Fatal("a did not regain the lapsed lease")
			}
			if a.c.Reads() != aReads {
				t.Fatalf("a read the log %d times on regaining the lease, with nothing new after the shared cursor", a.c.Reads()-aReads)
			}
			b.renew(t)
			fourth := round()
			if got := a.r.ids()[aHandled:]; !slices.Equal(got, fourth) {
				t.Fatalf("a handled %v after regaining the lease, want %v", got, fourth)
			}

			// Every event once, by one node or the other.
			total := dbtest.Count(t, a.d, `SELECT COUNT(*) FROM events`)
			if total != len(want) {
				t.Fatalf("%d events, want %d", total, len(want))
			}
			if got := dbtest.Count(t, a.d, `SELECT COUNT(*) FROM handled`); got != total {
				t.Fatalf("effects = %d for %d events: a batch was handled twice or missed", got, total)
			}
			if got := dbtest.Count(t, a.d, `SELECT COUNT(DISTINCT event_id) FROM handled`); got != total {
				t.Fatalf("%d distinct events handled of %d", got, total)
			}
		})
	}
}

// A node stopping releases its leases: another takes them at its next
// heartbeat, without waiting for them to lapse.
func TestLeaseReleasedIsTakenAtOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			clk := newClock()
			nodes := twoLeasedNodes(t, dialect, clk, event.ConsumerConfig{})
			a, b := nodes[0], nodes[1]
			ws := setup(t, a.d)
			runCtx, stop := context.WithCancel(ctx)
			a.g.StartAll()
			done := make(chan struct{})
			go func() { defer close(done); a.c.Run(runCtx) }()
			backgroundtest.WaitIdle(t, a.g)
			backgroundtest.Run(t, b.g, b.c.Run)
			backgroundtest.WaitIdle(t, b.g)
			if !a.c.Leased() || b.c.Leased() {
				t.Fatalf("leased: a %v, b %v; want a only", a.c.Leased(), b.c.Leased())
			}
			stop()
			<-done
			if err := a.d.Write(ctx, func(tx *db.Tx) error { return a.leases.ReleaseTx(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			ids := appendEvents(t, a.d, ws, event.ContactCreated, event.ContactUpdated)
			b.hub.Notify(slices.Max(ids))
			b.renew(t) // no time has passed: the lease was released, not lapsed
			if !b.c.Leased() {
				t.Fatal("b did not take the released lease")
			}
			if got := b.r.ids(); !slices.Equal(got, ids) {
				t.Fatalf("b handled %v, want %v", got, ids)
			}
		})
	}
}

// A consumer starting takes its lease at once, in a batch of its own, as
// the heartbeat renews them (see db.InABatchOfItsOwn): lease rows are
// locked by every node's heartbeat, in no order with what other writes
// lock.
func TestConsumerTakesItsLeaseInABatchOfItsOwn(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	a := twoLeasedNodes(t, db.Postgres, newClock(), event.ConsumerConfig{})[0]
	batches := dbtest.RecordBatches(a.d)
	backgroundtest.Run(t, a.g, a.c.Run)
	backgroundtest.WaitIdle(t, a.g)
	if !a.c.Leased() {
		t.Fatal("the consumer did not take its free lease")
	}
	alone, written := 0, batches()
	for _, b := range written {
		for _, j := range b {
			if j.Alone {
				alone++
				if len(b) != 1 {
					t.Fatalf("a write to be written alone was batched with others: %+v", b)
				}
			}
		}
	}
	if alone != 1 {
		t.Fatalf("%d writes alone in batches %+v, want the lease's", alone, written)
	}
}
