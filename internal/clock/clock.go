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

// OrReal returns c, or Real when c is nil, for options that default to it.
func OrReal(c Clock) Clock {
	if c == nil {
		return Real
	}
	return c
}
