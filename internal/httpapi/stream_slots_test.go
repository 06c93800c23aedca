package httpapi

import (
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Streams are counted per user (a workspace token as its own user) and
// per node; a release frees the slot once, however often it is called.
func TestStreamSlots(t *testing.T) {
	ann := workspace.Principal{UserID: 1, TokenID: 10}
	annOtherTab := workspace.Principal{UserID: 1, TokenID: 11}
	bob := workspace.Principal{UserID: 2, TokenID: 20}
	crm := workspace.Principal{TokenID: 30}
	s := newStreamSlots(2, 4)
	take := func(p workspace.Principal) func() {
		t.Helper()
		release, err := s.acquire(p)
		if err != nil {
			t.Fatalf("acquire for %+v: %v", p, err)
		}
		return release
	}
	refused := func(p workspace.Principal) {
		t.Helper()
		release, err := s.acquire(p)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindTooMany || e.RetryAfter <= 0 {
			t.Fatalf("acquire for %+v = %v, want 429 with a Retry-After", p, err)
		}
		if release != nil {
			t.Fatal("a refused acquire returned a release")
		}
	}
	first := take(ann)
	take(annOtherTab)
	refused(ann) // Ann's two tabs are her two streams
	take(bob)
	take(crm)
	refused(bob) // the node's four are taken
	first()
	first()
	if total, mine := s.count(ann); total != 3 || mine != 1 {
		t.Fatalf("after one release (twice): %d open, %d of Ann's; want 3 and 1", total, mine)
	}
	take(bob)
	refused(crm)

	unlimited := newStreamSlots(0, 0)
	for range 100 {
		if _, err := unlimited.acquire(ann); err != nil {
			t.Fatalf("zero caps refused a stream: %v", err)
		}
	}
}
