package db

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// The horizon never goes back on one store handle: a query answering
// lower than a horizon already seen (a writer that read the sequence
// before it and locked after it) is answered with the one seen.
func TestHorizonNeverGoesBack(t *testing.T) {
	d := &DB{}
	for _, c := range []struct{ query, want int64 }{{10, 10}, {14, 14}, {12, 14}, {14, 14}, {20, 20}, {0, 20}} {
		if got := d.raiseHorizon(c.query); got != c.want {
			t.Fatalf("the query answered %d: horizon %d, want %d", c.query, got, c.want)
		}
	}
}

// A reader that wants the horizon up to an event joins the query already
// running when that query began after this node heard of the event's
// commit; a reader wanting a later event waits for the next query.
func TestHorizonReaderJoinsAQueryBegunAfterItsEvent(t *testing.T) {
	d, began, answer, ask := scriptedHorizon(t)
	d.eventsCommitted(10)
	a := ask(10)
	<-began // a's query runs, begun after event 10's commit was heard
	b := ask(10)
	waitFor(t, "b to join the running query", func() bool { return d.HorizonJoined() == 1 })
	d.eventsCommitted(11)
	c := ask(11)
	waitFor(t, "c to wait for the next query", func() bool {
		d.horizons.mu.Lock()
		defer d.horizons.mu.Unlock()
		return d.horizons.next != nil
	})
	answer <- 10
	if ha, hb := <-a, <-b; ha != 10 || hb != 10 {
		t.Fatalf("a and b got %d and %d from the query they shared, want 10", ha, hb)
	}
	<-began // c's
	answer <- 11
	if hc := <-c; hc != 11 {
		t.Fatalf("c got %d, want 11", hc)
	}
	if q := d.HorizonQueries(); q != 2 {
		t.Fatalf("%d queries for three readers, want 2", q)
	}
}

// A reader that joined a query begun after its event's commit takes that
// query's horizon even when it stops short of the event (a transaction
// below it still open): it does not ask again at once.
func TestHorizonReaderTakesAJoinedQuerysShortHorizon(t *testing.T) {
	d, began, answer, ask := scriptedHorizon(t)
	d.eventsCommitted(10)
	first := ask(10)
	<-began
	joined := ask(10)
	waitFor(t, "the reader to join the running query", func() bool { return d.HorizonJoined() == 1 })
	answer <- 7 // event 8 still committing
	if h := <-first; h != 7 {
		t.Fatalf("the query answered %d, want 7", h)
	}
	select {
	case h := <-joined:
		if h != 7 {
			t.Fatalf("the reader got %d, want 7", h)
		}
	case <-began:
		t.Fatal("the reader asked again")
	}
	if q := d.HorizonQueries(); q != 1 {
		t.Fatalf("%d queries, want 1", q)
	}
}

// scriptedHorizon is a PostgreSQL handle whose horizon queries signal
// began as they start and answer what the test sends on answer; ask runs
// EventHorizonFor(newest) in the background and delivers its horizon.
func scriptedHorizon(t *testing.T) (d *DB, began chan struct{}, answer chan int64, ask func(newest int64) chan int64) {
	d = &DB{Dialect: Postgres}
	began, answer = make(chan struct{}, 2), make(chan int64)
	d.horizons.query = func(ctx context.Context, d *DB) (int64, error) {
		began <- struct{}{}
		return <-answer, nil
	}
	ask = func(newest int64) chan int64 {
		got := make(chan int64, 1)
		go func() {
			h, err := d.EventHorizonFor(context.Background(), newest)
			if err != nil {
				t.Error(err)
			}
			got <- h
		}()
		return got
	}
	return d, began, answer, ask
}

// waitFor waits until cond holds, and fails the test after 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}
