package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// An agent starts a WhatsApp conversation with an imported contact who
// never wrote: the window is not open, so free text is refused and an
// approved template goes out, through the dispatcher to the Graph API,
// addressed to the contact's number (wa_id, without "+"); their reply
// (testdata/text.json, from that number) lands on the same contact and
// conversation.
func TestFirstTemplateToAnImportedContactReachesTheirNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		graph := newGraph(t)
		graph.templates = `{"data":[{"name":"order_update","components":[{"type":"BODY","text":"Hi {{1}}, your order {{2}} has shipped."}],
			"language":"en_US","status":"APPROVED","category":"UTILITY","id":"2"}],"paging":{"cursors":{"before":"a","after":"b"}}}`
		ws := channeltest.Workspace(t, d)
		channels := channeltest.Service(t, d, testProvider())
		convs := conversation.New(d)
		convs.SetAddressers(channels)
		convs.SetWindows(channels)
		convs.SetTemplates(channels) // as the node does: a template is checked and rendered
		raw, _ := json.Marshal(map[string]any{"phone_number_id": testPhoneNumberID, "business_account_id": "102290129340398",
			"access_token": "EAAG-token", "app_secret": testAppSecret, "api_base_url": graph.URL})
		ch, err := channels.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "WhatsApp", Config: raw})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := channels.SyncTemplates(ctx, ws.ID, ch.ID); err != nil {
			t.Fatal(err)
		}
		h := &hook{d: d, ws: ws, ch: ch, channels: channels, convs: convs,
			srv: channeltest.Serve(t, channel.Inbox{Channels: channels, Receiver: convs, Metrics: metrics.New()})}

		// The sender of testdata/text.json, imported before they ever wrote.
		name, phone := "Sheena", "+16505551234"
		sheena, err := contact.New(d).Create(ctx, ws.ID, contact.Input{FirstName: &name, Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		sys := access.System(ws.ID)
		c, err := convs.Open(ctx, sys, conversation.OpenInput{ContactID: sheena.ID, ChannelID: ch.ID, Source: conversation.SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		if rw, err := convs.ReplyWindow(ctx, c); err != nil || rw == nil || rw.Open || rw.Rule != "template" {
			t.Errorf("reply window = %+v, %v; want closed, templates only", rw, err)
		}
		if _, err := convs.Send(ctx, sys, c.ID, conversation.SendInput{Text: "Hello", Sender: conversation.SourceUser}); !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("free text before the contact wrote = %v, want reply_window_closed", err)
		}

		g := channeltest.RunDispatcher(t, d, channels)
		m, err := convs.Send(ctx, sys, c.ID, conversation.SendInput{Type: conversation.MessageTypeTemplate, Sender: conversation.SourceUser,
			Content: json.RawMessage(`{"type":"template","name":"order_update","language":"en_US","params":["Sheena","#1042"]}`)})
		if err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)
		if m, err = convs.GetMessage(ctx, sys, m.ID); err != nil || m.Status != conversation.MsgSent || m.Text != "Hi Sheena, your order #1042 has shipped." {
			t.Fatalf("first message: %+v, %v; want sent, its text the template's as Sheena reads it", m, err)
		}
		graph.mu.Lock()
		sent := graph.requests
		graph.mu.Unlock()
		if len(sent) != 1 || sent[0].body["to"] != "16505551234" || sent[0].body["type"] != "template" {
			t.Fatalf("the Graph API was sent %+v, want one template to 16505551234", sent)
		}
		if got := asJSON(sent[0].body["template"]); !strings.Contains(got, `"name":"order_update"`) ||
			!strings.Contains(got, `{"text":"Sheena","type":"text"},{"text":"#1042","type":"text"}`) {
			t.Errorf("the template sent: %s; want order_update with Sheena and #1042 as its body's parameters", got)
		}

		if status, out := h.post(t, ch.ID, fixture(t, "text"), ""); status != http.StatusOK {
			t.Fatalf("reply: %d %s", status, out)
		}
		var contactID, conversationID int64
		if err := d.Reader().QueryRow(ctx, `SELECT contact_id, conversation_id FROM messages WHERE direction = 'in'`).Scan(&contactID, &conversationID); err != nil {
			t.Fatal(err)
		}
		if contactID != sheena.ID || conversationID != c.ID {
			t.Errorf("the reply landed on contact %d, conversation %d; want %d, %d", contactID, conversationID, sheena.ID, c.ID)
		}
	})
}
