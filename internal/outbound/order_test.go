package outbound_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A contact receives messages in the order they were written, one at a
// time, even when two dispatchers could each send eight at once and the
// first one fails twice; another contact's messages do not wait for
// theirs.
func TestMessagesToOneContactGoInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		inflight := map[string]int{}
		overlaps := 0
		failed := 0
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) {
			mu.Lock()
			inflight[r.contactID]++
			if inflight[r.contactID] > 1 {
				overlaps++
			}
			fail := r.text == "a0" && failed < 2
			if fail {
				failed++
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond) // widen the window for a second send to the same contact
			mu.Lock()
			inflight[r.contactID]--
			mu.Unlock()
			if fail {
				tryLater(w, http.StatusServiceUnavailable)
				return
			}
			ok(w, r)
		})
		e := newEnv(t, d, in)
		a := e.conversation(t, "+14155550101")
		b := e.conversation(t, "+14155550102")
		var last conversation.Message
		for i := range 6 {
			last = e.send(t, a, fmt.Sprintf("a%d", i))
		}
		other := e.send(t, b, "b0")
		opts := fast
		opts.Concurrency = 8
		opts.BaseDelay, opts.MaxDelay = 150*time.Millisecond, 150*time.Millisecond
		// Two nodes: a job leased by one holds its contact's line back for
		// the other too.
		e.run(t, testSender(), opts)
		e.run(t, testSender(), opts)
		e.waitStatus(t, last.ID, conversation.MsgSent)
		e.waitStatus(t, other.ID, conversation.MsgSent)

		var toA []string
		bAt, firstA1 := -1, -1
		for i, r := range in.received() {
			switch r.contactID {
			case "+14155550101":
				toA = append(toA, r.text)
				if r.text == "a1" && firstA1 < 0 {
					firstA1 = i
				}
			case "+14155550102":
				bAt = i
			}
		}
		want := []string{"a0", "a0", "a0", "a1", "a2", "a3", "a4", "a5"}
		if !slices.Equal(toA, want) {
			t.Errorf("the contact received %v, want %v (in order, the first retried twice before the rest)", toA, want)
		}
		if overlaps != 0 {
			t.Errorf("%d sends to a contact overlapped another to the same contact", overlaps)
		}
		if bAt < 0 || bAt > firstA1 {
			t.Errorf("the other contact's message was delivered at %d, after the first contact's queue moved on (%d): it must not wait for it", bAt, firstA1)
		}
	})
}
