// Package backgroundtest helps tests wait for a node's engines to finish
// what they were given, instead of sleeping and hoping they did.
package backgroundtest

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
)

// Patience bounds every wait: generous, since a busy machine may be slow,
// and never reached when the engines behave.
const Patience = 2 * time.Minute

// WaitIdle returns once g is idle (see background.Group.Idle), failing
// the test if it is not within Patience.
func WaitIdle(t testing.TB, g *background.Group) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Patience)
	defer cancel()
	if err := g.WaitIdle(ctx); err != nil {
		t.Fatalf("the engines never went idle: %v", err)
	}
}

// Run starts g's loops and runs each engine in its own goroutine until the
// test ends, then stops them and waits for them to return.
func Run(t testing.TB, g *background.Group, engines ...func(context.Context)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g.StartAll()
	done := make(chan struct{}, len(engines))
	for _, run := range engines {
		go func() {
			defer func() { done <- struct{}{} }()
			run(ctx)
		}()
	}
	t.Cleanup(func() {
		cancel()
		for range engines {
			<-done
		}
	})
}
