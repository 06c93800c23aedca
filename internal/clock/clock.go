// Package clock is the time source of the engines. Production code uses
// Real; tests inject a Fake and move it forward, so nothing a test checks
// depends on how fast the machine runs.
package clock

import "time"

// Clock tells the time and runs functions later.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed, in its own goroutine on the
	// real clock and inside Advance on a fake one. Stop cancels it.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc.
type Timer interface {
	// Stop cancels the call; it reports whether the call was still pending.
	Stop() bool
}

// Real is the system clock.
var Real Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// At calls f once c shows t (at once if it already does). A clock that
// can arm a timer for an instant (the fake one) is asked to: computing a
// duration from Now and then arming it leaves a window in which a fake
// clock may be moved, and the timer would land that much late. On the
// real clock the window costs microseconds and AfterFunc is used.
func At(c Clock, t time.Time, f func()) Timer {
	if a, ok := c.(interface {
		At(time.Time, func()) Timer
	}); ok {
		return a.At(t, f)
	}
	return c.AfterFunc(t.Sub(c.Now()), f)
}

// OrReal returns c, or Real when c is nil, for options that default to it.
func OrReal(c Clock) Clock {
	if c == nil {
		return Real
	}
	return c
}
