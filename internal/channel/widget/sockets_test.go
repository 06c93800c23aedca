package widget

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Sockets are bounded in all and by client address: one address at its
// bound leaves the others theirs, and a released socket frees its slot
// (once, however often release is called).
func TestSocketsBoundedPerAddress(t *testing.T) {
	s := newSockets(4, 2)
	take := func(addr string, ok bool) func() {
		t.Helper()
		release, err := s.take(addr)
		if ok != (err == nil) {
			t.Fatalf("take(%s): %v, want ok=%v", addr, err, ok)
		}
		if err != nil && apperr.KindOf(err) != apperr.KindTooMany {
			t.Fatalf("take(%s) refused with %v, want a 429", addr, err)
		}
		return release
	}
	a1 := take("198.51.100.7", true)
	take("198.51.100.7", true)
	take("198.51.100.7", false) // that address's bound
	take("203.0.113.9", true)
	a1()
	a1() // twice: one slot freed, not two
	take("198.51.100.7", true)
	take("198.51.100.7", false)
	take("203.0.113.9", true)
	take("192.0.2.1", false) // the node's bound: 4 open
	if len(s.byAddr) != 2 {
		t.Fatalf("addresses held: %v", s.byAddr)
	}
}

// Many sockets of one address opening at once: exactly the bound gets in.
func TestSocketsBoundHoldsUnderConcurrency(t *testing.T) {
	s := newSockets(1000, 5)
	var wg sync.WaitGroup
	var got atomic.Int32
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.take("198.51.100.7"); err == nil {
				got.Add(1)
			}
		}()
	}
	wg.Wait()
	if got.Load() != 5 {
		t.Fatalf("%d sockets from one address, want 5", got.Load())
	}
}
