package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// webhook is one payload the generator sent: a contact's messages, stored
// all together or not at all.
type webhook struct {
	contactID string
	mIDs      []string
	acked     bool // some delivery of it was answered 200
}

// ledger records everything sent, so the verifier knows what was
// acknowledged and what may or may not have been stored.
type ledger struct {
	mu       sync.Mutex
	webhooks []*webhook
	byMID    map[string]*webhook
	errors   int      // deliveries that got no 200 (mostly those in flight at the kill)
	refused  []string // answers other than 200: the server was up and said no
}

func newLedger() *ledger { return &ledger{byMID: map[string]*webhook{}} }

func (l *ledger) add(w *webhook) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.webhooks = append(l.webhooks, w)
	for _, id := range w.mIDs {
		l.byMID[id] = w
	}
}

// result records one delivery of w: status 0 means no answer arrived.
func (l *ledger) result(w *webhook, status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case err == nil:
		w.acked = true
	case status != 0:
		l.errors++
		l.refused = append(l.refused, err.Error())
	default:
		l.errors++
	}
}

// counts returns how many messages were sent and acknowledged.
func (l *ledger) counts() (sent, acked, errors int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, w := range l.webhooks {
		sent += len(w.mIDs)
		if w.acked {
			acked += len(w.mIDs)
		}
	}
	return sent, acked, l.errors
}

// regularContacts is the pool of contacts that write again and again, from
// several goroutines at once and across restarts, so their first messages
// race to open their one conversation.
const regularContacts = 24

// generate sends webhooks from workers goroutines until ctx ends (the
// caller ends it right after the kill) or limit webhooks per worker were
// sent. Half go to the regular contacts, half to new ones; a fifth carry
// two or three messages; some are delivered twice, one after the other or
// at the same time, as providers do when an answer is slow.
func generate(ctx context.Context, wh *harness.Webhook, l *ledger, round, workers, limit int) {
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(round), uint64(g)))
			for i := 0; i < limit && ctx.Err() == nil; i++ {
				w := &webhook{contactID: fmt.Sprintf("+1556%02d%02d%05d", round, g, i)}
				if rng.IntN(2) == 0 {
					w.contactID = fmt.Sprintf("+1555000%04d", rng.IntN(regularContacts))
				}
				n := 1
				if rng.IntN(5) == 0 {
					n = 2 + rng.IntN(2)
				}
				msgs := make([]harness.Message, n)
				for k := range msgs {
					id := fmt.Sprintf("r%d-g%d-i%d-k%d", round, g, i, k)
					w.mIDs = append(w.mIDs, id)
					msgs[k] = harness.Message{MID: id, Text: "crash test " + id}
				}
				l.add(w)
				body := harness.Body(wh.ChannelID, w.contactID, "Crash", msgs, time.Now())
				deliver := func() {
					status, err := wh.Post(ctx, body)
					l.result(w, status, err)
					if err != nil && (status == 0 || status == http.StatusServiceUnavailable) {
						// The node is down or its store unavailable:
						// wait a little, as a provider backing off (or
						// honouring Retry-After) would.
						time.Sleep(100 * time.Millisecond)
					}
				}
				switch r := rng.IntN(10); {
				case r == 0: // redelivered after the first answer
					deliver()
					deliver()
				case r == 1: // redelivered while the first is in flight
					var both sync.WaitGroup
					both.Go(deliver)
					deliver()
					both.Wait()
				default:
					deliver()
				}
			}
		})
	}
	wg.Wait()
}
