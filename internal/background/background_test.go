package background

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// runLoop runs a loop that counts its passes and, on the pass after each
// signal, does `chain` more passes by signalling itself (work that makes
// more work), until ctx ends.
func runLoop(ctx context.Context, l *Loop, passes *atomic.Int64, at func() time.Time, chain int) <-chan struct{} {
	done := make(chan struct{})
	l.Start()
	go func() {
		defer close(done)
		defer l.Stop()
		left, chained := 0, false
		for ctx.Err() == nil {
			passes.Add(1)
			if !chained {
				left = chain
			}
			chained = left > 0
			if chained {
				left--
				l.Signal()
			}
			l.Wait(ctx, at())
		}
	}()
	return done
}

func waitIdle(t *testing.T, g *Group) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := g.WaitIdle(ctx); err != nil {
		t.Fatalf("group never idle: %v", err)
	}
}

func TestIdleOnlyWhenEverySignalWasHandled(t *testing.T) {
	g := NewGroup(clock.NewFake(time.Unix(0, 0)))
	ctx, cancel := context.WithCancel(context.Background())
	var passes atomic.Int64
	l := g.NewLoop("chain")
	done := runLoop(ctx, l, &passes, func() time.Time { return time.Time{} }, 5)
	waitIdle(t, g)
	// The first pass plus the five it chained.
	if got := passes.Load(); got != 6 {
		t.Fatalf("passes before idle = %d, want 6", got)
	}
	for range 3 {
		l.Signal()
		waitIdle(t, g)
	}
	if got := passes.Load(); got != 6+3*6 {
		t.Fatalf("passes after three signals = %d, want 24", got)
	}
	cancel()
	<-done
	if !g.Idle() {
		t.Fatal("a stopped loop keeps the group busy")
	}
}

func TestTimersRunOnTheGroupsClock(t *testing.T) {
	fake := clock.NewFake(time.Unix(0, 0))
	g := NewGroup(fake)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var passes atomic.Int64
	// Due every minute of the fake clock.
	next := func() time.Time { return fake.Now().Truncate(time.Minute).Add(time.Minute) }
	done := runLoop(ctx, g.NewLoop("minutely"), &passes, next, 0)
	waitIdle(t, g)
	if passes.Load() != 1 {
		t.Fatalf("passes = %d before the clock moved", passes.Load())
	}
	for i := int64(2); i <= 10; i++ {
		fake.Advance(time.Minute)
		waitIdle(t, g)
		if passes.Load() != i {
			t.Fatalf("after %d minutes: %d passes", i-1, passes.Load())
		}
	}
	cancel()
	<-done
}

func TestWorkInFlightKeepsTheGroupBusy(t *testing.T) {
	g := NewGroup(nil)
	l := g.NewLoop("flight")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	var finished atomic.Bool
	started := make(chan struct{})
	l.Start()
	go func() {
		defer l.Stop()
		l.Go(func() {
			close(started)
			<-release
			finished.Store(true)
		})
		for ctx.Err() == nil {
			l.Wait(ctx, time.Time{})
		}
	}()
	<-started
	if g.Idle() {
		t.Fatal("idle while work is in flight")
	}
	close(release)
	waitIdle(t, g)
	if !finished.Load() {
		t.Fatal("idle before the work in flight finished")
	}
}

func TestASignalBeforeStartIsCountedFromStart(t *testing.T) {
	g := NewGroup(nil)
	l := g.NewLoop("late")
	l.Signal()
	if !g.Idle() {
		t.Fatal("a loop that is not running keeps the group busy")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var passes atomic.Int64
	done := runLoop(ctx, l, &passes, func() time.Time { return time.Time{} }, 0)
	waitIdle(t, g)
	// One pass at start, one for the early signal.
	if passes.Load() != 2 {
		t.Fatalf("passes = %d, want 2", passes.Load())
	}
	cancel()
	<-done
}

func TestScheduleWakesOnlyForEarlierWork(t *testing.T) {
	fake := clock.NewFake(time.Unix(1000, 0))
	g := NewGroup(fake)
	l := g.NewLoop("timer")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var passes atomic.Int64
	var next atomic.Int64 // the loop's own idea of its next due time (ms)
	next.Store(fake.Now().Add(time.Hour).UnixMilli())
	l.Start()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer l.Stop()
		for ctx.Err() == nil {
			passes.Add(1)
			if !fake.Now().Before(time.UnixMilli(next.Load())) {
				next.Store(fake.Now().Add(time.Hour).UnixMilli()) // done: due again in an hour
			}
			l.WaitUntil(ctx, time.UnixMilli(next.Load()))
		}
	}()
	waitIdle(t, g)
	l.Schedule(fake.Now().Add(2 * time.Hour).UnixMilli()) // later than planned: no wake-up
	waitIdle(t, g)
	if passes.Load() != 1 {
		t.Fatalf("work due after the loop's plan woke it: %d passes", passes.Load())
	}
	next.Store(fake.Now().Add(time.Minute).UnixMilli())
	l.Schedule(next.Load()) // earlier: wakes it to plan again
	waitIdle(t, g)
	if passes.Load() != 2 {
		t.Fatalf("earlier work did not wake the loop: %d passes", passes.Load())
	}
	fake.Advance(time.Minute)
	waitIdle(t, g)
	if passes.Load() != 3 {
		t.Fatalf("the loop did not wake at its planned time: %d passes", passes.Load())
	}
	cancel()
	<-done
}

// A loop sleeping in a blocking call (Blocked) counts as asleep only
// while it is in it.
func TestBlockedCountsAsAsleep(t *testing.T) {
	g := NewGroup(nil)
	l := g.NewLoop("reader")
	l.Start()
	if g.Idle() {
		t.Fatal("idle while the loop is awake")
	}
	in, out := make(chan struct{}), make(chan struct{})
	go l.Blocked(func() { close(in); <-out })
	<-in
	waitIdle(t, g)
	close(out)
	l.Stop()
}

// movedClock is a fake clock that is moved forward right after the first
// time it is read, as a test moving the clock while a loop arms its
// deadline would: the timer must still fall at the deadline's instant.
type movedClock struct {
	*clock.Fake
	moved atomic.Bool
	by    time.Duration
}

func (c *movedClock) Now() time.Time {
	now := c.Fake.Now()
	if c.moved.CompareAndSwap(false, true) {
		c.Fake.Advance(c.by)
	}
	return now
}

func TestWaitFiresAtItsDeadlineWhenTheClockMovesAsItArms(t *testing.T) {
	start := time.Unix(0, 0)
	c := &movedClock{Fake: clock.NewFake(start), by: 30 * time.Minute}
	g := NewGroup(c)
	l := g.NewLoop("deadline")
	ctx, cancel := context.WithCancel(context.Background())
	var passes atomic.Int64
	deadline := start.Add(10 * time.Minute)
	at := func() time.Time { // the first pass sleeps until the deadline, later ones until signalled
		if passes.Load() == 1 {
			return deadline
		}
		return time.Time{}
	}
	done := runLoop(ctx, l, &passes, at, 0)
	waitIdle(t, g) // asleep, its deadline's timer armed
	c.Fake.Set(start.Add(30 * time.Minute))
	if n := c.Pending(); n != 0 {
		t.Fatalf("the clock is 20 minutes past the loop's deadline and its timer still waits (%d pending)", n)
	}
	waitIdle(t, g)
	if got := passes.Load(); got != 2 {
		t.Fatalf("passes = %d, want the first and the deadline's", got)
	}
	cancel()
	<-done
}
