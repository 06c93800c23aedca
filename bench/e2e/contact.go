package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// What the contact recognises in what it receives: the seed workflow's
// question (internal/workflow/templates/inbound_conversation.json) and the
// simulated agents' reply.
const (
	questionMarker = "What can we help you with?"
	replyPrefix    = "Hello from agent "
)

// teamsAnswered are the seed workflow's options, each routing to the team
// of that name.
var teamsAnswered = []string{"Sales", "Support", "Billing"}

// line is how a contact talks to the server: a custom channel's webhook
// and integrator, or a widget visitor's socket.
type line interface {
	// send writes one message and returns when the channel acknowledged it.
	send(ctx context.Context, text string) (time.Time, error)
	// inbox is where the server's messages to the contact arrive.
	inbox() <-chan delivery
	// conversation is the contact's conversation id, once the channel said it.
	conversation() int64
	close()
}

// runContact plays one contact through the whole exchange: write, get the
// workflow's question, answer it, get the agent's reply, say thanks. The
// agent who got the conversation closes it after the thanks.
func runContact(ctx context.Context, c *conv, l line, reg *registry, timeout time.Duration) {
	defer l.close()
	c.mu.Lock()
	c.start = time.Now()
	c.mu.Unlock()
	acked, err := l.send(ctx, "Hello, I have a question about my account")
	if err != nil {
		c.fail("ingest", err)
		return
	}
	c.mu.Lock()
	c.acked, c.messagesIn = acked, 1
	c.mu.Unlock()
	q, err := await(ctx, c, l, questionMarker, timeout)
	if err != nil {
		c.fail("workflow", err)
		return
	}
	id := l.conversation()
	if id == 0 {
		c.fail("workflow", errors.New("the channel never said which conversation the message went to"))
		return
	}
	c.mu.Lock()
	c.question, c.id = q, id
	c.answered = time.Now() // before sending: the assignment can only follow
	c.mu.Unlock()
	reg.add(c)
	if _, err := l.send(ctx, c.team); err != nil {
		c.fail("answer", err)
		return
	}
	c.mu.Lock()
	c.messagesIn++
	c.mu.Unlock()
	got, err := await(ctx, c, l, replyPrefix, timeout)
	if err != nil {
		c.fail("reply", err)
		return
	}
	c.mu.Lock()
	c.replyGot = got
	c.mu.Unlock()
	if _, err := l.send(ctx, "Thanks, that answers it"); err != nil {
		c.fail("thanks", err)
		return
	}
	c.mu.Lock()
	c.messagesIn++
	c.thanksSent = true
	c.mu.Unlock()
}

// await reads the contact's messages until one holds want, and returns
// when it arrived.
func await(ctx context.Context, c *conv, l line, want string, timeout time.Duration) (time.Time, error) {
	limit := time.NewTimer(timeout)
	defer limit.Stop()
	for {
		select {
		case d := <-l.inbox():
			if strings.Contains(d.text, want) {
				return d.at, nil
			}
		case <-limit.C:
			return time.Time{}, fmt.Errorf("nothing holding %q within %s", want, timeout)
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
}

// customLine is a contact of the custom channel: it writes through the
// webhook, and the integrator receives what the server sends it.
type customLine struct {
	wh        *harness.Webhook
	in        *integrator
	contactID string
	name      string
	box       chan delivery
	n         int
	convID    int64
}

func newCustomLine(wh *harness.Webhook, in *integrator, i int) *customLine {
	id := fmt.Sprintf("+1555%07d", i)
	return &customLine{wh: wh, in: in, contactID: id, name: fmt.Sprintf("Bench %d", i), box: in.inbox(id)}
}

func (l *customLine) send(ctx context.Context, text string) (time.Time, error) {
	l.n++
	body := harness.Body(l.wh.ChannelID, l.contactID, l.name,
		[]harness.Message{{MID: fmt.Sprintf("e2e-%s-%d", l.contactID, l.n), Text: text}}, time.Now())
	res, err := l.wh.PostResults(ctx, body)
	if err != nil {
		return time.Time{}, err
	}
	at := time.Now()
	if len(res) != 1 || res[0].Duplicate || res[0].ConversationID == 0 {
		return at, fmt.Errorf("webhook results %+v, want one new message in a conversation", res)
	}
	l.convID = res[0].ConversationID
	return at, nil
}

func (l *customLine) inbox() <-chan delivery { return l.box }
func (l *customLine) conversation() int64    { return l.convID }
func (l *customLine) close()                 { l.in.drop(l.contactID) }
