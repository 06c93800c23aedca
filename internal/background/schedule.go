package background

import (
	"context"
	"log/slog"
	"math"
	"sync/atomic"
	"time"
)

// unknownNext marks a loop that is awake: it has not yet worked out when
// its work next falls due, so any news of due work signals it.
const unknownNext = 0

// scheduler is the part of a Loop that remembers when it plans to wake.
type scheduler struct {
	next atomic.Int64 // Unix ms it sleeps until; math.MaxInt64: no deadline
}

// Schedule tells a timer loop that work falls due at the Unix millisecond
// at (0: now). It is signalled unless it already sleeps until that time or
// earlier, so news of work due in a day does not wake a loop that is
// due in a minute. Register it with db.DB.OnDue.
func (l *Loop) Schedule(at int64) {
	next := l.sched.next.Load()
	if next == unknownNext || at < next {
		l.Signal()
	}
}

// WaitUntil is Wait for a timer loop: it sleeps until next (the zero
// time: until signalled), remembering it for Schedule.
func (l *Loop) WaitUntil(ctx context.Context, next time.Time) {
	plan := int64(math.MaxInt64)
	if !next.IsZero() {
		plan = max(next.UnixMilli(), 1)
	}
	l.sched.next.Store(plan)
	l.Wait(ctx, next)
	l.sched.next.Store(unknownNext)
}

// Timer returns a loop of g that runs pass, then sleeps until the time
// pass returned (the zero time: until signalled) — the shape of every
// timer of due work. A pass that fails is logged and tried again after
// retry. Register the loop's Schedule with db.DB.OnDue for its kind of
// work, so news of work due sooner wakes it.
func (g *Group) Timer(name string, retry time.Duration, pass func(ctx context.Context) (next time.Time, err error)) (*Loop, func(context.Context)) {
	l := g.NewLoop(name)
	return l, func(ctx context.Context) {
		l.Start()
		defer l.Stop()
		for ctx.Err() == nil {
			next, err := pass(ctx)
			if err != nil && ctx.Err() == nil {
				slog.Error(name, "err", err)
				next = g.Now().Add(retry)
			}
			l.WaitUntil(ctx, next)
		}
	}
}
