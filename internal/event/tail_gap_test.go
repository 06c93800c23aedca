package event_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/event"
)

// An id taken by a transaction that rolled back is a stretch of the log
// with no event. The tail, stopped by the horizon just past such a hole
// (a later transaction is still open), moves its position past the hole
// instead of reading it again at every retry while it waits: here the
// fake clock fires one retry, which must find nothing to read. Once the
// open transaction commits, the stream gets its event and the one after,
// in order.
func TestTailMovesPastAHoleWhileTheHorizonHoldsIt(t *testing.T) {
	d, fake := fakeClockPostgres(t, "SQLite has no horizon and no holes")
	ctx := context.Background()
	f := newTailFixture(t, d, 1)
	ws, tail := f.ws[0], f.tail
	sub := tail.Subscribe(func(event.Event) bool { return true })
	defer sub.Close()
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	receive := func(what string) []int64 {
		t.Helper()
		select {
		case batch := <-sub.C:
			return ids(batch)
		case <-waitCtx.Done():
			t.Fatalf("the stream never received %s", what)
			return nil
		}
	}

	first := appendCommitted(t, d, ws)
	if got := receive("the first event"); fmt.Sprint(got) != fmt.Sprint([]int64{first}) {
		t.Fatalf("stream got %v, want [%d]", got, first)
	}

	// The hole: an id taken, then rolled back.
	errGiveUp := errors.New("gives up")
	if err := holdAppend(t, d, ws).end(errGiveUp); !errors.Is(err, errGiveUp) {
		t.Fatalf("the rolled-back write ended with %v", err)
	}

	// A takes the next id and stays open; B commits after it.
	before := tail.Reads()
	held := holdAppend(t, d, ws)
	a := held.id
	b := appendCommitted(t, d, ws)
	if a <= first+1 || b <= a {
		t.Fatalf("ids %d, %d, %d: want a hole between the first and A, and B after A", first, a, b)
	}

	// The tail read up to the horizon, below A, found only the hole, and
	// waits for its retry.
	if err := fake.WaitPending(waitCtx, 1); err != nil {
		t.Fatalf("the tail never stopped at the horizon: %v", err)
	}
	reads := tail.Reads()
	if reads == before {
		t.Fatal("the tail waits for a retry without having read up to the horizon")
	}
	fake.Advance(time.Second)
	if err := fake.WaitPending(waitCtx, 1); err != nil {
		t.Fatalf("the tail did not wait again after its retry: %v", err)
	}
	if again := tail.Reads() - reads; again != 0 {
		t.Fatalf("the retry read the log %d time(s): the tail did not move past the hole", again)
	}

	if err := held.end(nil); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for len(got) < 2 {
		got = append(got, receive("A's and B's events")...)
	}
	if fmt.Sprint(got) != fmt.Sprint([]int64{a, b}) {
		t.Fatalf("stream got %v, want [%d %d]", got, a, b)
	}
}
