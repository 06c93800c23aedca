package outbound_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A contact merged from two has two ids on one channel (two phone numbers
// on one number). A reply goes to the id the contact last wrote from in
// the conversation, not to the contact's newest identity there: Paul
// wrote from his work phone once, then from his own, and the two contacts
// were merged; when he writes from his work phone again, the agent's
// answer reaches it, and follows him back to his own phone after.
func TestReplyGoesToTheIdentityTheContactWroteFrom(t *testing.T) {
	const work, own = "+14155550200", "+14155550100"
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		e.run(t, testSender(), fast)
		p := access.System(e.ws.ID)

		// The work phone's conversation was closed; his own phone's
		// opened the one that stays, and its identity is the newer.
		other := e.conversation(t, work)
		otherConv, err := e.convs.Get(ctx, p, other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.convs.Close(ctx, p, other, conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		conv := e.conversation(t, own)
		kept, err := e.convs.Get(ctx, p, conv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := contact.New(d).Merge(ctx, p, kept.ContactID, contact.MergeInput{From: otherConv.ContactID}); err != nil {
			t.Fatal(err)
		}

		replyReaches := func(text, want string) {
			t.Helper()
			m := e.send(t, conv, text)
			e.waitStatus(t, m.ID, conversation.MsgSent)
			reqs := in.received()
			if got := reqs[len(reqs)-1]; got.text != text || got.contactID != want {
				t.Fatalf("%q was sent to %q, want %q", got.text, got.contactID, want)
			}
		}
		replyReaches("we got your order", own)

		write := func(from, id string) {
			t.Helper()
			res, err := e.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID,
				ChannelID: e.ch.ID, ExternalID: from, ProviderMessageID: id, Type: "text", Text: "it's me"}})
			if err != nil {
				t.Fatal(err)
			}
			if res[0].ConversationID != conv {
				t.Fatalf("%s's message went to conversation %d, want %d", from, res[0].ConversationID, conv)
			}
			// The conversation says which it is (the inbox marks it).
			if c, err := e.convs.Get(ctx, p, conv); err != nil || c.ContactExternalID != from {
				t.Fatalf("the conversation's contact_external_id = %q (%v), want %q", c.ContactExternalID, err, from)
			}
		}
		write(work, "in-2")
		replyReaches("noted, Paul", work)
		write(own, "in-3")
		replyReaches("back on this one", own)
	})
}
