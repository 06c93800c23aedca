package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
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
// integrator, as its phone), and answers it. Its phone reports the
// question delivered as it arrives — often before the node that sent it
// has recorded the send, so the report is kept for it — and read once the
// answer is acknowledged. Contact i writes through node i mod n; a
// delivery that gets no answer (its node killed) is delivered again to
// the next node, with the same message id, as a provider retries.
type contacts struct {
	c   *cluster
	l   *ledger
	whs []*harness.Webhook

	mu     sync.Mutex
	inbox  map[string]chan received // contact id -> the messages it receives
	failed []string                 // contacts that never got their question
	asked  []time.Duration          // each question's wait, from the acknowledged first message
	read   []string                 // the mIds of the questions reported delivered and read

	answered atomic.Int64
}

func newContacts(c *cluster, conns int) *contacts {
	cs := &contacts{c: c, l: newLedger(), whs: c.webhooks(conns), inbox: map[string]chan received{}}
	c.integ.setOnMessage(func(contactID, mID, text string) {
		cs.mu.Lock()
		box := cs.inbox[contactID]
		cs.mu.Unlock()
		if box != nil {
			select {
			case box <- received{mID: mID, text: text}:
			default: // it reads only its question; the rest may fall
			}
		}
	})
	return cs
}

// received is a message a contact's phone received.
type received struct{ mID, text string }

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
	box := make(chan received, 4)
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
		case m := <-box:
			if !strings.HasPrefix(m.text, seedQuestion) {
				continue
			}
			cs.mu.Lock()
			cs.asked = append(cs.asked, time.Since(said))
			cs.mu.Unlock()
			if !cs.report(ctx, i, m.mID, "delivered") {
				return
			}
			if cs.say(ctx, i, fmt.Sprintf("proof-%d-answer", i), seedAnswers[i%len(seedAnswers)]) {
				cs.answered.Add(1)
				if cs.report(ctx, i, m.mID, "read") {
					cs.mu.Lock()
					cs.read = append(cs.read, m.mID)
					cs.mu.Unlock()
				}
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

// report delivers contact i's phone's status report on message mID until
// a node acknowledges it, as say delivers a message.
func (cs *contacts) report(ctx context.Context, i int, mID, status string) bool {
	body := fmt.Appendf(nil, `{"channelId":"%d","contactId":%q,"events":[{"type":"message_status","mId":%q,"timestamp":%d,"status":%q}]}`,
		cs.whs[0].ChannelID, contactName(i), mID, time.Now().UnixMilli(), status)
	for attempt := 0; ctx.Err() == nil; attempt++ {
		code, err := cs.whs[(i+attempt)%len(cs.whs)].Post(ctx, body)
		if err == nil {
			return true
		}
		if code != 0 && code != http.StatusServiceUnavailable {
			cs.c.t.Errorf("contact %d's %s report on %s refused: %d %v", i, status, mID, code, err)
			return false
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return false
}

// reportsRead returns the mIds of the questions reported delivered and
// then read.
func (cs *contacts) reportsRead() []string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return slices.Clone(cs.read)
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

// verifyStatusReports checks that every question its contact reported
// delivered and then read ended read, once no report is kept any more: a
// report that came before the record of its send (the usual case for
// "delivered", sent as the question reached the phone) is kept and
// applied at its next look, a second or so after the record lands.
func verifyStatusReports(t *testing.T, st *sql.DB, channelID int64, read []string, bound time.Duration) {
	t.Helper()
	waitUntil(t, bound, "every kept status report to be applied", func() (bool, string) {
		var kept int
		if err := st.QueryRow(`SELECT COUNT(*) FROM early_statuses`).Scan(&kept); err != nil {
			return false, err.Error()
		}
		return kept == 0, fmt.Sprintf("%d reports still kept", kept)
	})
	// Its status, and whether its history holds the delivered report: a
	// read one alone would hide a delivered report dropped for coming
	// before the record.
	rows, err := st.Query(`SELECT m.provider_message_id, m.status,
			EXISTS (SELECT 1 FROM message_statuses s WHERE s.message_id = m.id AND s.status = 'delivered')
		FROM messages m WHERE m.channel_id = $1 AND m.direction = 'out' AND m.provider_message_id = ANY($2)`, channelID, read)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for rows.Next() {
		var mid, s string
		var delivered bool
		if err := rows.Scan(&mid, &s, &delivered); err != nil {
			t.Fatal(err)
		}
		if !delivered {
			s += ", never delivered"
		}
		status[mid] = s
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var wrong []string
	for _, mid := range read {
		if status[mid] != "read" {
			wrong = append(wrong, fmt.Sprintf("%s: %q", mid, status[mid]))
		}
	}
	if len(wrong) > 0 {
		t.Errorf("%d of %d questions reported delivered and read did not end read with both in their history, e.g. %v", len(wrong), len(read), wrong[:min(5, len(wrong))])
		return
	}
	t.Logf("status reports: %d questions reported delivered (as they arrived) and read (after the answer) by their contacts, every one read with both in its history", len(read))
}
