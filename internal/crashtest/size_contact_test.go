package crashtest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// seedQuestion is how the seed workflow's question begins
// (internal/workflow/templates/inbound_conversation.json); seedAnswers are
// its options, each the name of the team it routes to.
const seedQuestion = "What can we help you with?"

var seedAnswers = []string{"Sales", "Support", "Billing"}

// contacts plays TestProofAtSize's contacts: each writes once through the
// custom channel, waits for the seed workflow's question to reach it (the
// integrator, as its phone), and answers it. Contact i writes through node
// i mod n; a delivery that gets no answer (its node killed) is delivered
// again to the next node, with the same message id, as a provider retries.
type contacts struct {
	c   *cluster
	l   *ledger
	whs []*harness.Webhook

	mu     sync.Mutex
	inbox  map[string]chan string // contact id -> the messages it receives
	failed []string               // contacts that never got their question
	asked  []time.Duration        // each question's wait, from the acknowledged first message

	answered atomic.Int64
}

func newContacts(c *cluster, conns int) *contacts {
	cs := &contacts{c: c, l: newLedger(), whs: c.webhooks(conns), inbox: map[string]chan string{}}
	c.integ.setOnMessage(func(contactID, text string) {
		cs.mu.Lock()
		box := cs.inbox[contactID]
		cs.mu.Unlock()
		if box != nil {
			select {
			case box <- text:
			default: // it reads only its question; the rest may fall
			}
		}
	})
	return cs
}

// run plays contacts [from, to) with inFlight of them at a time.
func (cs *contacts) run(ctx context.Context, from, to, inFlight int, questionWait time.Duration) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range inFlight {
		wg.Go(func() {
			for i := range next {
				cs.play(ctx, i, questionWait)
			}
		})
	}
	for i := from; i < to && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func contactName(i int) string { return fmt.Sprintf("+1553%07d", i) }

// play is one contact's exchange.
func (cs *contacts) play(ctx context.Context, i int, questionWait time.Duration) {
	id := contactName(i)
	box := make(chan string, 4)
	cs.mu.Lock()
	cs.inbox[id] = box
	cs.mu.Unlock()
	defer func() {
		cs.mu.Lock()
		delete(cs.inbox, id)
		cs.mu.Unlock()
	}()
	if !cs.say(ctx, i, fmt.Sprintf("proof-%d-hello", i), "Hello, I need help") {
		return
	}
	said := time.Now()
	limit := time.After(questionWait)
	for {
		select {
		case text := <-box:
			if !strings.HasPrefix(text, seedQuestion) {
				continue
			}
			cs.mu.Lock()
			cs.asked = append(cs.asked, time.Since(said))
			cs.mu.Unlock()
			if cs.say(ctx, i, fmt.Sprintf("proof-%d-answer", i), seedAnswers[i%len(seedAnswers)]) {
				cs.answered.Add(1)
			}
			return
		case <-limit:
			cs.mu.Lock()
			cs.failed = append(cs.failed, id)
			cs.mu.Unlock()
			return
		case <-ctx.Done():
			return
		}
	}
}

// say delivers one message of contact i until a node acknowledges it.
func (cs *contacts) say(ctx context.Context, i int, mid, text string) bool {
	w := &webhook{contactID: contactName(i), mIDs: []string{mid}}
	cs.l.add(w)
	body := harness.Body(cs.whs[0].ChannelID, w.contactID, fmt.Sprintf("Proof %d", i), []harness.Message{{MID: mid, Text: text}}, time.Now())
	for attempt := 0; ctx.Err() == nil; attempt++ {
		status, err := cs.whs[(i+attempt)%len(cs.whs)].Post(ctx, body)
		cs.l.result(w, status, err)
		if err == nil {
			return true
		}
		if status != 0 && status != http.StatusServiceUnavailable {
			return false // refused: checkCutOnly reports it
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return false
}

// questionDelays summarises how long the contacts waited for their
// question.
func (cs *contacts) questionDelays() string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.asked) == 0 {
		return "(no question came)"
	}
	d := slices.Clone(cs.asked)
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))].Round(time.Millisecond) }
	return fmt.Sprintf("p50 %s, p99 %s, max %s (%d questions)", at(0.50), at(0.99), d[len(d)-1].Round(time.Millisecond), len(d))
}
