package email

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An agent emails an imported contact who never wrote: the conversation
// opens on the email channel with an identity made from the contact's
// address, and the first message goes through the dispatcher to the SMTP
// server addressed to it.
func TestFirstMessageToAnImportedContactReachesTheirAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		e.conv.SetAddressers(e.chs)
		e.conv.SetWindows(e.chs)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		name, addr := "Grace", "Grace@Hopper.example" // stored lower-cased
		grace, err := contact.New(d).Create(ctx, e.ws, contact.Input{FirstName: &name, Email: &addr})
		if err != nil {
			t.Fatal(err)
		}
		sys := access.System(e.ws)
		c, err := e.conv.Open(ctx, sys, conversation.OpenInput{ContactID: grace.ID, ChannelID: ch.ID, Source: conversation.SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		g := channeltest.RunDispatcher(t, d, e.chs)
		m, err := e.conv.Send(ctx, sys, c.ID, conversation.SendInput{Text: "Your order has shipped", Sender: conversation.SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)
		if m, err = e.conv.GetMessage(ctx, sys, m.ID); err != nil || m.Status != conversation.MsgSent {
			t.Fatalf("first message: %+v, %v; want sent", m, err)
		}
		mails := s.Mails()
		if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != "grace@hopper.example" {
			t.Fatalf("the SMTP server got %+v, want one mail to grace@hopper.example", mails)
		}
		if b := bodyText(t, mails[0].Raw); !strings.Contains(b, "Your order has shipped") {
			t.Errorf("body = %q", b)
		}
		// The first mail starts a thread (no "Re:" to nothing); the next
		// one, the contact still silent, answers it, so their client
		// shows one thread.
		first := header(t, mails[0].Raw)
		if first.Get("Subject") != DefaultSubject || first.Get("In-Reply-To") != "" {
			t.Errorf("first mail: Subject %q, In-Reply-To %q; want %q and none", first.Get("Subject"), first.Get("In-Reply-To"), DefaultSubject)
		}
		if _, err := e.conv.Send(ctx, sys, c.ID, conversation.SendInput{Text: "It arrives tomorrow", Sender: conversation.SourceUser}); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)
		if mails = s.Mails(); len(mails) != 2 {
			t.Fatalf("%d mails, want 2", len(mails))
		}
		second := header(t, mails[1].Raw)
		if second.Get("Subject") != "Re: "+DefaultSubject || second.Get("In-Reply-To") != first.Get("Message-Id") || first.Get("Message-Id") == "" {
			t.Errorf("second mail: Subject %q, In-Reply-To %q; want Re: %s answering the first's %q",
				second.Get("Subject"), second.Get("In-Reply-To"), DefaultSubject, first.Get("Message-Id"))
		}
	})
}
