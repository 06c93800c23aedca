package outbound_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// seenBy is the real custom sender, remembering the messages it was given.
type seenBy struct {
	custom.Sender
	mu   sync.Mutex
	msgs []conversation.Message
}

func (s *seenBy) Send(ctx context.Context, ch channel.Channel, external string, msg conversation.Message) (string, error) {
	s.mu.Lock()
	s.msgs = append(s.msgs, msg)
	s.mu.Unlock()
	return s.Sender.Send(ctx, ch, external, msg)
}

// A channel's sender is told that a message is an AI agent's answer (its
// ai mark, as it was stored): the email channel marks such mail automatic
// so that an out-of-office does not answer it. The dispatcher's loader
// left the mark out, so an AI agent's mail went out as a person's.
func TestSenderIsToldOfAnAIAgentsMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(n int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		conv := e.conversation(t, "cust-1")
		sender := &seenBy{Sender: *testSender()}
		e.runSender(t, map[string]outbound.Sender{channel.TypeCustom: sender}, fast)
		m, err := e.convs.Send(context.Background(), access.System(e.ws.ID), conv,
			conversation.SendInput{Text: "Your order ships Monday.", Sender: conversation.SourceAPI, AI: conversation.AIAgent})
		if err != nil {
			t.Fatal(err)
		}
		e.waitStatus(t, m.ID, conversation.MsgSent)
		sender.mu.Lock()
		defer sender.mu.Unlock()
		if len(sender.msgs) != 1 || sender.msgs[0].AI != conversation.AIAgent {
			t.Fatalf("the sender was given %+v, want the message marked as an AI agent's", sender.msgs)
		}
	})
}
