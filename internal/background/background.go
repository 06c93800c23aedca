// Package background runs a node's engines as loops that sleep until
// they are signalled or their next due time comes, never on a polling
// interval, and tells when the whole node is idle.
//
// Idle is exact, not a guess after a sleep: a loop is busy from the
// moment it is signalled until it sleeps again, and a signal is counted
// from the moment it is sent until its loop has woken for it. So when the
// group reports idle, no loop runs, no signal waits and no work started by
// a loop is in flight: nothing more happens until something from outside
// (a request, a webhook, the clock) arrives. Tests wait on it instead of
// sleeping, and move an injected clock to make timers fire.
package background

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// Group is the set of loops of one node, sharing its clock.
type Group struct {
	clock clock.Clock

	mu      sync.Mutex
	loops   []*Loop
	busy    int // loops awake, plus work in flight (see Loop.Go)
	pending int // signals sent and not yet woken for
	changed chan struct{}
}

// NewGroup returns a group on the clock c (nil: the real clock).
func NewGroup(c clock.Clock) *Group {
	return &Group{clock: clock.OrReal(c), changed: make(chan struct{})}
}

// Clock is the group's clock, which its loops' timers run on.
func (g *Group) Clock() clock.Clock { return g.clock }

// Now is the group's clock's time.
func (g *Group) Now() time.Time { return g.clock.Now() }

// Idle reports whether no loop is awake, no signal waits and no work is
// in flight.
func (g *Group) Idle() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.busy == 0 && g.pending == 0
}

// WaitIdle returns once the group is idle, or ctx's error.
func (g *Group) WaitIdle(ctx context.Context) error {
	for {
		g.mu.Lock()
		idle, changed := g.busy == 0 && g.pending == 0, g.changed
		g.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// broadcast wakes WaitIdle callers; g.mu is held.
func (g *Group) broadcast() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// Loop is one engine loop of the group: it runs, then sleeps in Wait until
// signalled or due.
type Loop struct {
	g     *Group
	name  string
	wake  chan struct{} // holds a signal not yet woken for
	sched scheduler

	// Under g.mu:
	started   bool // Start was called once
	running   bool // between Start and Stop
	asleep    bool
	signalled bool // a signal waits in wake and is counted in g.pending
}

// NewLoop returns a loop of the group; it counts towards idleness only
// between Start and Stop, so a loop that is built but never run does not
// keep the group busy.
func (g *Group) NewLoop(name string) *Loop {
	l := &Loop{g: g, name: name, wake: make(chan struct{}, 1)}
	g.mu.Lock()
	g.loops = append(g.loops, l)
	g.mu.Unlock()
	return l
}

// StartAll starts every loop of the group that never ran (see
// Loop.Start). A node calls it before it launches its engines'
// goroutines, so the group is busy from then on until each has done its
// first pass and sleeps: otherwise it could look idle before a goroutine
// got to run. A loop that ran and stopped stays stopped.
func (g *Group) StartAll() {
	g.mu.Lock()
	var fresh []*Loop
	for _, l := range g.loops {
		if !l.started {
			fresh = append(fresh, l)
		}
	}
	g.mu.Unlock()
	for _, l := range fresh {
		l.Start()
	}
}

// Name is the loop's name, for logs.
func (l *Loop) Name() string { return l.name }

// Start marks the loop running and awake. Call it before launching the
// loop's goroutine (or let Group.StartAll do it), and again as the loop
// begins: it is idempotent.
func (l *Loop) Start() {
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if l.running {
		return
	}
	l.started, l.running, l.asleep = true, true, false
	g.busy++
	if len(l.wake) > 0 && !l.signalled {
		l.signalled = true // signalled before it ran: counted from now
		g.pending++
	}
	g.broadcast()
}

// Stop marks the loop stopped; call it (deferred) as the loop ends.
func (l *Loop) Stop() {
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if !l.running {
		return
	}
	if !l.asleep {
		g.busy--
	}
	if l.signalled {
		l.signalled = false
		g.pending--
	}
	l.running, l.asleep = false, false
	g.broadcast()
}

// Signal wakes the loop, or makes its next Wait return at once. Signals
// merge: many before a wake-up are one. It never blocks.
func (l *Loop) Signal() {
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if l.signalled {
		return
	}
	select {
	case l.wake <- struct{}{}:
	default:
		return // a signal already waits, sent before the loop ran
	}
	if l.running {
		l.signalled = true
		g.pending++
		g.broadcast()
	}
}

// Wait sleeps until the loop is signalled, the clock reaches at (the zero
// time: no deadline), or ctx ends.
func (l *Loop) Wait(ctx context.Context, at time.Time) {
	var timer clock.Timer
	if !at.IsZero() {
		timer = clock.At(l.g.clock, at, l.Signal)
	}
	l.setAsleep(true)
	select {
	case <-l.wake:
	case <-ctx.Done():
	}
	if timer != nil {
		timer.Stop()
	}
	g := l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	// Awake in the same step as the signal is taken: in between, the
	// group would look idle while this loop is about to work.
	if l.signalled {
		l.signalled = false
		g.pending--
	}
	select { // woken by ctx with a signal waiting: it is taken too
	case <-l.wake:
	default:
	}
	l.setAsleepLocked(false)
	g.broadcast()
}

// Blocked runs fn, a blocking call the loop sleeps in instead of Wait (a
// read from a connection, say), with the loop counted as asleep: what
// wakes it then comes from outside the node.
func (l *Loop) Blocked(fn func()) {
	l.setAsleep(true)
	defer l.setAsleep(false)
	fn()
}

// setAsleep marks a running loop asleep (no longer busy) or awake.
func (l *Loop) setAsleep(asleep bool) {
	l.g.mu.Lock()
	defer l.g.mu.Unlock()
	if l.setAsleepLocked(asleep) {
		l.g.broadcast()
	}
}

// setAsleepLocked is setAsleep with g.mu held; it reports a change.
func (l *Loop) setAsleepLocked(asleep bool) bool {
	if !l.running || l.asleep == asleep {
		return false
	}
	l.asleep = asleep
	if asleep {
		l.g.busy--
	} else {
		l.g.busy++
	}
	return true
}

// Go runs fn in a goroutine counted as work in flight until it returns,
// then signals the loop (which may have more to do now that it is done).
func (l *Loop) Go(fn func()) {
	g := l.g
	g.mu.Lock()
	g.busy++
	g.mu.Unlock()
	go func() {
		defer func() {
			// Signal before leaving the flight: in between, the group must
			// not look idle.
			l.Signal()
			g.mu.Lock()
			g.busy--
			g.broadcast()
			g.mu.Unlock()
		}()
		fn()
	}()
}
