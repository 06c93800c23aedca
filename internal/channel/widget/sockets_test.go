package widget

import (
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
