package outbound_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// panicsOn is the real custom sender, except that it panics on one text.
type panicsOn struct {
	custom.Sender
	text  string
	calls atomic.Int32
}

func (p *panicsOn) Send(ctx context.Context, ch channel.Channel, external string, msg conversation.Message) (string, error) {
	if msg.Text == p.text {
		p.calls.Add(1)
		panic("sender bug on " + p.text)
	}
	return p.Sender.Send(ctx, ch, external, msg)
}

// A send that panics every time counts as a failed attempt: it is
// retried like any other and fails for good after the last attempt,
// with a reason, instead of being leased again forever — and so holding
// back the contact's next messages, which go out once it has failed.
func TestSenderPanickingEveryTimeFailsTheMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		opts := fast
		opts.MaxAttempts = 4
		sender := &panicsOn{Sender: *testSender(), text: "boom"}
		e.runSender(t, map[string]outbound.Sender{channel.TypeCustom: sender}, opts)
		bad := e.send(t, conv, "boom")
		next := e.send(t, conv, "after")
		got := e.waitStatus(t, bad.ID, conversation.MsgFailed)
		if !strings.Contains(got.FailureReason, "panicked") {
			t.Errorf("failure reason %q; want one saying the sender panicked", got.FailureReason)
		}
		if n := sender.calls.Load(); n != int32(opts.MaxAttempts) {
			t.Errorf("the panicking send was attempted %d times; want %d", n, opts.MaxAttempts)
		}
		if j := e.jobOf(t, bad.ID); j.state != "failed" || j.attempts != opts.MaxAttempts {
			t.Errorf("job = %+v; want failed after %d attempts", j, opts.MaxAttempts)
		}
		e.waitStatus(t, next.ID, conversation.MsgSent)
	})
}
