package telegram

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The generated webhook token is a valid secret_token: 1–256 characters
// of A-Z a-z 0-9 _ -.
func TestChannelTokenIsASecretToken(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		tok := f.ch.Token
		if len(tok) < 1 || len(tok) > 256 || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			t.Fatalf("token %q is not a secret_token", tok)
		}
	})
}

// The secret header is the only credential: anything but the channel's
// token is a 401 that stores nothing; a channel that is not Telegram's is
// a 404.
func TestWebhookSecretHeader(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		other := f.newChannel(t, "http://127.0.0.1:1")
		body := string(update(t, "message_text"))
		before := rows(t, d)
		for _, tc := range []struct {
			name, url, secret string
			status            int
		}{
			{"missing", f.url(f.ch.ID), "", http.StatusUnauthorized},
			{"wrong", f.url(f.ch.ID), "not-the-token", http.StatusUnauthorized},
			{"another channel's", f.url(f.ch.ID), other.Token, http.StatusUnauthorized},
			{"case changed", f.url(f.ch.ID), strings.ToUpper(f.ch.Token[:1]) + strings.ToLower(f.ch.Token[1:]), http.StatusUnauthorized},
			{"prefix", f.url(f.ch.ID), f.ch.Token[:len(f.ch.Token)-1], http.StatusUnauthorized},
			{"with a space", f.url(f.ch.ID), f.ch.Token + " x", http.StatusUnauthorized},
			{"unknown channel", f.url(999999), f.ch.Token, http.StatusNotFound},
			{"not a channel id", f.srv.URL + "/webhooks/telegram/abc", f.ch.Token, http.StatusNotFound},
		} {
			if tc.name == "case changed" && tc.secret == f.ch.Token {
				continue
			}
			status, out := f.post(t, tc.url, tc.secret, body)
			if status != tc.status {
				t.Errorf("%s: status %d (%v), want %d", tc.name, status, out, tc.status)
			}
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("refused deliveries changed the store: %v → %v", before, after)
		}
		if status, _ := f.post(t, f.url(f.ch.ID), f.ch.Token, body); status != http.StatusOK {
			t.Fatalf("the channel's token: status %d", status)
		}
	})
}

// Every message kind is stored from the contact (the chat), whose
// profile comes from the sender; a button press is stored as their answer
// and answered with answerCallbackQuery in the webhook's response.
func TestWebhookStoresEachKind(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		want := map[string]string{ // fixture → stored type
			"message_text": "text", "message_photo": "attachment", "message_document": "attachment", "message_voice": "attachment",
			"message_audio": "attachment", "message_video": "attachment", "message_sticker": "attachment",
			"message_location": "location", "message_contact": "contact", "message_poll": conversation.TypeUnsupported,
			"callback_query": "quick_reply",
		}
		var convID int64
		for _, name := range []string{"message_text", "message_photo", "message_document", "message_voice", "message_audio",
			"message_video", "message_sticker", "message_location", "message_contact", "message_poll", "callback_query"} {
			out := f.deliver(t, name)
			if name == "callback_query" {
				if out["method"] != "answerCallbackQuery" || out["callback_query_id"] != "4382bfdwdsb323b2d9" {
					t.Errorf("callback answered %v", out)
				}
			} else if out["ok"] != true {
				t.Errorf("%s answered %v", name, out)
			}
			var id int64
			var typ, text string
			if err := d.Reader().QueryRow(ctx, `SELECT conversation_id, type, text FROM messages ORDER BY id DESC LIMIT 1`).Scan(&id, &typ, &text); err != nil {
				t.Fatal(err)
			}
			if typ != want[name] {
				t.Errorf("%s stored as %q", name, typ)
			}
			if convID == 0 {
				convID = id
			} else if id != convID {
				t.Errorf("%s went to conversation %d, not %d", name, id, convID)
			}
			if name == "callback_query" && text != "Billing" {
				t.Errorf("the press stored %q", text)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE direction = 'in'`); n != len(want) {
			t.Errorf("%d messages stored, want %d", n, len(want))
		}
		var contactID int64
		if err := d.Reader().QueryRow(ctx, `SELECT contact_id FROM conversations WHERE id = ?`, convID).Scan(&contactID); err != nil {
			t.Fatal(err)
		}
		ids, err := contact.New(d).ListIdentities(ctx, f.ws.ID, contactID)
		if err != nil || len(ids) != 1 || ids[0].ExternalID != "111222333" || ids[0].ChannelID != f.ch.ID {
			t.Fatalf("identities %+v, %v", ids, err)
		}
		c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), contactID)
		if err != nil || c.FirstName != "Ada" || c.LastName != "Lovelace" || c.Language != "en" {
			t.Errorf("contact %+v, %v", c, err)
		}
	})
}

// A redelivered update (Telegram retries until it gets a 2xx) is stored
// once, whether a message or a button press.
func TestWebhookRedeliveryStoredOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		for _, name := range []string{"message_text", "callback_query"} {
			f.deliver(t, name)
			before := rows(t, d)
			f.deliver(t, name)
			if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("redelivered %s changed the store: %v → %v", name, before, after)
			}
		}
	})
}

// Updates Switchboard does not read are acknowledged and store nothing;
// malformed bodies are a 400 that stores nothing.
func TestWebhookIgnoredAndMalformed(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		before := rows(t, d)
		if out := f.deliver(t, "my_chat_member"); out["ignored"] != "my_chat_member" {
			t.Errorf("my_chat_member answered %v", out)
		}
		for _, body := range []string{`{`, `[]`, `{"message":{"message_id":1,"chat":{"id":1}}}`, `{"update_id":1,"message":{"message_id":1}}`} {
			if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, body); status != http.StatusBadRequest {
				t.Errorf("%s: status %d %v", body, status, out)
			}
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("the store changed: %v → %v", before, after)
		}
	})
}

// An edited message reaches the receive path as an edit of the original
// message, under an id of its own.
func TestWebhookEdit(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		rec := &channeltest.Recorder{}
		f := newFixture(t, d, rec)
		f.deliver(t, "edited_message")
		if len(rec.Items) != 1 {
			t.Fatalf("%d items", len(rec.Items))
		}
		in := rec.Items[0]
		if in.Kind != conversation.KindEdit || in.Target != "111222333:1365" || in.ProviderMessageID != "111222333:1365:edit:10010" ||
			in.Text != "Hello, I need help with my invoice" || in.ChannelID != f.ch.ID || in.WorkspaceID != f.ws.ID {
			t.Errorf("edit %+v", in)
		}
	})
}
