package event_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// A transaction that took event id a and rolls back leaves a hole the
// horizon stopped readers at while it was open. Its end must wake this
// node's readers at once: here the clock is fake and never moves, so the
// readers' retry (blockedRetry) never fires, and only the rollback's wake
// brings B's event (b > a, committed while A was open) to the consumer
// and the tail.
func TestRollbackWakesReadersStoppedAtItsHole(t *testing.T) {
	d, fake := fakeClockPostgres(t, "SQLite has no horizon")
	ctx := context.Background()
	ws := newWorkspace(t, d)

	r := startLogReaders(t, d, "rollback")

	errGiveUp := errors.New("A gives up")
	held := holdAppend(t, d, ws)
	b := appendCommitted(t, d, ws)
	// Both readers stopped at A's hole and wait for their retry, which
	// the fake clock holds back.
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := fake.WaitPending(waitCtx, 2); err != nil {
		t.Fatalf("the consumer and the tail never stopped at the horizon: %v", err)
	}
	if early := r.handledNow(); len(early) != 0 {
		t.Fatalf("consumer handled %v while A was open", early)
	}

	if err := held.end(errGiveUp); !errors.Is(err, errGiveUp) {
		t.Fatalf("A ended with %v, want its own error", err)
	}
	select {
	case batch := <-r.sub.C:
		if fmt.Sprint(ids(batch)) != fmt.Sprint([]int64{b}) {
			t.Fatalf("tail handed out %v, want [%d]", ids(batch), b)
		}
	case <-waitCtx.Done():
		t.Fatal("the tail was not woken by A's rollback")
	}
	select {
	case <-r.handledSome:
	case <-waitCtx.Done():
		t.Fatal("the consumer was not woken by A's rollback")
	}
	if handled := r.handledNow(); fmt.Sprint(handled) != fmt.Sprint([]int64{b}) {
		t.Fatalf("consumer handled %v, want [%d]", handled, b)
	}
}
