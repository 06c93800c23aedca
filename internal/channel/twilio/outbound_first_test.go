package twilio

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An agent starts a conversation on SMS with an imported contact who
// never wrote: the first message goes through the outbound dispatcher to
// Twilio's Messages API addressed to the contact's phone, and their reply
// (Twilio's webhook, From that phone) lands on the same contact and
// conversation.
func TestFirstMessageToAnImportedContactReachesTheirPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, "")
		f.convs.SetAddressers(f.channels)
		f.convs.SetWindows(f.channels)
		api := newTwilioAPI(t, 201, fixtureBytes(t, "send_created.json"))
		cfg, _ := json.Marshal(Config{AccountSID: testAccount, From: testFrom, APIBaseURL: api.URL})
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE channels SET config = ? WHERE id = ?`, string(cfg), f.ch.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The From of testdata/sms.form, imported before they ever wrote.
		name, phone := "Dee", "+16505551199"
		dee, err := contact.New(d).Create(ctx, f.ws.ID, contact.Input{FirstName: &name, Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		sys := access.System(f.ws.ID)
		c, err := f.convs.Open(ctx, sys, conversation.OpenInput{ContactID: dee.ID, ChannelID: f.ch.ID, Source: conversation.SourceUser})
		if err != nil {
			t.Fatal(err)
		}

		g := channeltest.RunDispatcher(t, d, f.channels)
		m, err := f.convs.Send(ctx, sys, c.ID, conversation.SendInput{Text: "Your order has shipped", Sender: conversation.SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)
		if m, err = f.convs.GetMessage(ctx, sys, m.ID); err != nil || m.Status != conversation.MsgSent {
			t.Fatalf("first message: %+v, %v; want sent", m, err)
		}
		if got := api.last(t).form; got.Get("To") != phone || got.Get("Body") != "Your order has shipped" || got.Get("From") != testFrom {
			t.Errorf("Twilio was sent %v, want To %s", got, phone)
		}

		f.deliver(t, f.path(""), fixtureForm(t, "sms.form"))
		var contactID, conversationID int64
		if err := d.Reader().QueryRow(ctx, `SELECT contact_id, conversation_id FROM messages WHERE direction = 'in'`).Scan(&contactID, &conversationID); err != nil {
			t.Fatal(err)
		}
		if contactID != dee.ID || conversationID != c.ID {
			t.Errorf("the reply landed on contact %d, conversation %d; want %d, %d", contactID, conversationID, dee.ID, c.ID)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 1 {
			t.Errorf("contacts = %d, want 1", n)
		}
	})
}
