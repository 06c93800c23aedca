package conversation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Send checks a template against the channel's templates (the channel
// service, as a node sets it) inside its transaction: a refused one
// leaves no message, job, status or event behind; a sent one is stored,
// queued and announced with the template's text, rendered, not the
// client's.
func TestSendTemplateIsTheChannelsRendered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws := channeltest.Workspace(t, d)
		channels := channeltest.Service(t, d, whatsapp.New(channeltest.LoopbackClient()))
		convs := conversation.New(d)
		convs.SetWindows(channels)
		convs.SetTemplates(channels)
		cfg, _ := json.Marshal(map[string]string{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
			"access_token": "EAAG-x", "app_secret": "s", "api_base_url": "http://127.0.0.1:1"})
		ch, err := channels.Create(ctx, ws.ID, channel.Input{Type: whatsapp.Type, Name: "WhatsApp", Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO channel_templates (channel_id, name, language, status, category, body, params, components, synced_at)
				VALUES (?, 'order_update', 'en_US', 'APPROVED', 'UTILITY', 'Hi {{1}}, your order {{2}} has shipped.', 2, '[]', ?)`, ch.ID, tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r, err := convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: ws.ID, ChannelID: ch.ID,
			ExternalID: "+14155550100", ProviderMessageID: "wamid.1", Type: "text", Text: "hi"}})
		if err != nil {
			t.Fatal(err)
		}
		sys := access.System(ws.ID)
		send := func(params string) (conversation.Message, error) {
			return convs.Send(ctx, sys, r[0].ConversationID, conversation.SendInput{Type: conversation.MessageTypeTemplate, Sender: conversation.SourceUser,
				Text: "what the client wrote", Content: json.RawMessage(`{"type":"template","name":"order_update","language":"en_US","params":` + params + `}`)})
		}
		before := channeltest.Rows(t, d)
		_, err = send(`["Ada"]`)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "content.params" ||
			e.Message != `template "order_update" (en_US) takes 2 parameters; the message gives 1` {
			t.Fatalf("send with one parameter: %v; want 422 on content.params", err)
		}
		if after := channeltest.Rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("a refused template changed rows: %v, then %v", before, after)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM outbound_jobs`); n != 0 {
			t.Errorf("%d delivery jobs queued by a refused template", n)
		}

		m, err := send(`["Ada", "#42"]`)
		if err != nil {
			t.Fatal(err)
		}
		const want = "Hi Ada, your order #42 has shipped."
		stored, err := convs.GetMessage(ctx, sys, m.ID)
		if err != nil || m.Text != want || stored.Text != want ||
			string(stored.Content) != `{"language":"en_US","name":"order_update","params":["Ada","#42"],"type":"template"}` {
			t.Fatalf("sent %q, stored %+v (%v); want the text %q", m.Text, stored, err, want)
		}
		var payload string
		if err := d.Reader().QueryRow(ctx, `SELECT payload FROM events WHERE type = 'message.sent'`).Scan(&payload); err != nil ||
			!strings.Contains(payload, `"text":"`+want+`"`) {
			t.Errorf("message.sent payload %s (%v); want the rendered text", payload, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM outbound_jobs WHERE message_id = ?`, m.ID); n != 1 {
			t.Errorf("%d delivery jobs for the template, want 1", n)
		}
	})
}
