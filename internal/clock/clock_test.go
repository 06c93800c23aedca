package clock

import (
	"context"
	"testing"
	"time"
)

func TestFakeRunsDueFunctionsInOrderAtTheirTime(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := NewFake(start)
	var got []time.Duration
	record := func() { got = append(got, f.Now().Sub(start)) }
	f.AfterFunc(3*time.Second, record)
	f.AfterFunc(time.Second, record)
	stopped := f.AfterFunc(2*time.Second, record)
	f.AfterFunc(time.Hour, record)
	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported false")
	}
	f.Advance(5 * time.Second)
	want := []time.Duration{time.Second, 3 * time.Second}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("ran at %v, want %v", got, want)
	}
	if f.Now().Sub(start) != 5*time.Second {
		t.Fatalf("now = %v after advancing 5s", f.Now().Sub(start))
	}
	if f.Pending() != 1 {
		t.Fatalf("pending = %d, want the hour timer", f.Pending())
	}
	if next, ok := f.Next(); !ok || next.Sub(start) != time.Hour {
		t.Fatalf("next = %v %v", next, ok)
	}
}

func TestFakeTimerScheduledByATimerRunsInTheSameAdvance(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	n := 0
	var tick func()
	tick = func() {
		n++
		f.AfterFunc(time.Second, tick)
	}
	f.AfterFunc(time.Second, tick)
	f.Advance(10 * time.Second)
	if n != 10 {
		t.Fatalf("a one-second ticker fired %d times in 10 s", n)
	}
}

func TestFakeZeroDelayRunsAtOnce(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	ran := false
	f.AfterFunc(0, func() { ran = true })
	if !ran {
		t.Fatal("AfterFunc(0) did not run at once")
	}
}

// WaitPending returns at once when enough functions are pending, and
// otherwise as soon as another goroutine schedules the missing one.
func TestFakeWaitPending(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a last-resort guard
	defer cancel()
	if err := f.WaitPending(ctx, 0); err != nil {
		t.Fatalf("nothing to wait for: %v", err)
	}
	armed := make(chan struct{})
	go func() {
		<-armed
		f.AfterFunc(time.Second, func() {})
	}()
	waited := make(chan error, 1)
	go func() { waited <- f.WaitPending(ctx, 1) }()
	close(armed)
	if err := <-waited; err != nil || f.Pending() != 1 {
		t.Fatalf("WaitPending = %v with %d pending", err, f.Pending())
	}
	short, stop := context.WithCancel(context.Background())
	stop()
	if err := f.WaitPending(short, 2); err != context.Canceled {
		t.Fatalf("WaitPending on an ended context = %v, want its error", err)
	}
}

func TestAtArmsForTheInstantNotFromAnEarlierNow(t *testing.T) {
	start := time.Unix(0, 0)
	f := NewFake(start)
	fired := 0
	At(f, start.Add(time.Minute), func() { fired++ })
	f.Advance(59 * time.Second)
	if fired != 0 {
		t.Fatal("fired before its instant")
	}
	f.Advance(time.Second)
	if fired != 1 {
		t.Fatalf("fired %d times at its instant, want 1", fired)
	}
	At(f, start, func() { fired++ }) // already past: at once
	if fired != 2 {
		t.Fatal("an instant already past did not fire at once")
	}
}
