package clock

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Fake is a clock that moves only when told to. Functions scheduled with
// AfterFunc run inside Advance (or Set), in due order, once their time has
// come, so when Advance returns every timer that fell due has fired.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	// armed is closed (and forgotten) when a function is scheduled, waking
	// WaitPending; nil while nobody waits.
	armed chan struct{}
}

var _ Clock = (*Fake)(nil)

// NewFake returns a fake clock showing start.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// AfterFunc schedules fn at Now()+d; a d of zero or less runs it at once.
func (f *Fake) AfterFunc(d time.Duration, fn func()) Timer {
	f.mu.Lock()
	return f.schedule(f.now.Add(d), fn)
}

// At schedules fn at the instant at, measured when it is armed, not from
// a Now read earlier (see clock.At); at or before Now it runs at once.
func (f *Fake) At(at time.Time, fn func()) Timer {
	f.mu.Lock()
	return f.schedule(at, fn)
}

// schedule arms fn at at; f.mu is held and is released before it returns.
func (f *Fake) schedule(at time.Time, fn func()) Timer {
	t := &fakeTimer{f: f, at: at, fn: fn}
	if !at.After(f.now) {
		f.mu.Unlock()
		fn()
		return t
	}
	f.timers = append(f.timers, t)
	if f.armed != nil {
		close(f.armed)
		f.armed = nil
	}
	f.mu.Unlock()
	return t
}

// Advance moves the clock forward by d and runs what fell due.
func (f *Fake) Advance(d time.Duration) { f.Set(f.Now().Add(d)) }

// Set moves the clock to t (never backwards) and runs what fell due, each
// at its own time: a function sees Now() equal to its due time, so work it
// schedules relative to now lands where it would have with a real clock.
func (f *Fake) Set(t time.Time) {
	for {
		f.mu.Lock()
		sort.SliceStable(f.timers, func(i, j int) bool { return f.timers[i].at.Before(f.timers[j].at) })
		if len(f.timers) == 0 || f.timers[0].at.After(t) {
			if t.After(f.now) {
				f.now = t
			}
			f.mu.Unlock()
			return
		}
		next := f.timers[0]
		f.timers = f.timers[1:]
		if next.at.After(f.now) {
			f.now = next.at
		}
		f.mu.Unlock()
		next.fn()
	}
}

// Pending returns how many functions wait for their time.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// WaitPending returns once at least n functions wait for their time, or
// ctx's error. Code under test often arms its next timer on its own
// goroutine after handling the one that fired (a keepalive re-arms after
// its check): a test waits here before moving the clock again, since an
// Advance made before the timer exists fires nothing.
func (f *Fake) WaitPending(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		if len(f.timers) >= n {
			f.mu.Unlock()
			return nil
		}
		if f.armed == nil {
			f.armed = make(chan struct{})
		}
		armed := f.armed
		f.mu.Unlock()
		select {
		case <-armed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Next returns when the earliest pending function falls due (false: none).
func (f *Fake) Next() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.timers) == 0 {
		return time.Time{}, false
	}
	next := f.timers[0].at
	for _, t := range f.timers[1:] {
		if t.at.Before(next) {
			next = t.at
		}
	}
	return next, true
}

type fakeTimer struct {
	f  *Fake
	at time.Time
	fn func()
}

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	for i, x := range t.f.timers {
		if x == t {
			t.f.timers = append(t.f.timers[:i], t.f.timers[i+1:]...)
			return true
		}
	}
	return false
}
