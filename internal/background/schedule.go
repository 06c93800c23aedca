package background

import (
	"context"
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
