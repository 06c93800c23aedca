package viber

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

// The signature is the only credential: a callback without it, signed
// with another token, or whose body was changed after signing is a 401
// that stores nothing; a channel that is not Viber's is a 404.
func TestWebhookSignature(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		other := f.newChannel(t, "5a1b2c3d4e5f6a7b-8c9d0e1f2a3b4c5d-6e7f8a9b0c1d2e3f", "http://127.0.0.1:1")
		body := callback(t, "message_text")
		good := Sign(testAuthToken, body)
		tampered := []byte(strings.Replace(string(body), "invoice", "refund!", 1))
		before := rows(t, d)
		for _, tc := range []struct {
			name, url, signature string
			body                 []byte
			status               int
		}{
			{"missing", f.url(f.ch.ID), "", body, http.StatusUnauthorized},
			{"another token's", f.url(f.ch.ID), Sign("5a1b2c3d4e5f6a7b-8c9d0e1f2a3b4c5d-6e7f8a9b0c1d2e3f", body), body, http.StatusUnauthorized},
			{"another channel's webhook", f.url(other.ID), good, body, http.StatusUnauthorized},
			{"the body changed", f.url(f.ch.ID), good, tampered, http.StatusUnauthorized},
			{"not hex", f.url(f.ch.ID), "not-a-signature", body, http.StatusUnauthorized},
			{"cut short", f.url(f.ch.ID), good[:len(good)-2], body, http.StatusUnauthorized},
			{"sha1-length", f.url(f.ch.ID), good[:40], body, http.StatusUnauthorized},
			{"unknown channel", f.url(999999), good, body, http.StatusNotFound},
			{"not a channel id", f.srv.URL + "/webhooks/viber/abc", good, body, http.StatusNotFound},
		} {
			r := f.post(t, tc.url, tc.signature, tc.body)
			if r.status != tc.status {
				t.Errorf("%s: status %d (%s), want %d", tc.name, r.status, r.raw, tc.status)
			}
			if r.body["error"] == nil {
				t.Errorf("%s: not the project's error body: %s", tc.name, r.raw)
			}
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("refused callbacks changed the store: %v → %v", before, after)
		}
		// Hex is read in either case.
		if r := f.post(t, f.url(f.ch.ID), strings.ToUpper(good), body); r.status != http.StatusOK {
			t.Fatalf("the right signature in capitals: %d %s", r.status, r.raw)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 1 {
			t.Errorf("%d messages after the signed callback", n)
		}
	})
}

// The check set_webhook makes ("webhook") is answered 200 and stores
// nothing; so are the callbacks that are no message: subscribed,
// unsubscribed and conversation_started, this one with an empty body
// (a body would be sent to the user as a welcome message).
func TestWebhookCallbacksThatStoreNothing(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		before := rows(t, d)
		for _, name := range []string{"webhook", "subscribed", "unsubscribed"} {
			if r := f.deliver(t, name); r.body["ok"] != true || r.body["ignored"] != name {
				t.Errorf("%s answered %s", name, r.raw)
			}
		}
		if r := f.deliver(t, "conversation_started"); r.raw != "" {
			t.Errorf("conversation_started answered %q", r.raw)
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("the store changed: %v → %v", before, after)
		}
	})
}

// Every message type is stored from the sender, whose profile comes from
// the callback; the contact is known by their Viber id.
func TestWebhookStoresEachType(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		want := []struct{ fixture, typ, text string }{
			{"message_text", "text", "Hello, I need help with my invoice"},
			{"message_picture", "attachment", "the broken part"},
			{"message_video", "attachment", ""},
			{"message_file", "attachment", ""},
			{"message_sticker", "attachment", ""},
			{"message_contact", "contact", "Holly Gennero +447700900123"},
			{"message_location", "location", ""},
			{"message_url", "text", "https://www.example.com/orders/8812"},
			{"message_keyboard_reply", "quick_reply", "Billing"},
			{"message_rich_media", conversation.TypeUnsupported, ""},
		}
		var convID int64
		for _, w := range want {
			if r := f.deliver(t, w.fixture); r.body["ok"] != true {
				t.Errorf("%s answered %s", w.fixture, r.raw)
			}
			var id int64
			var typ, text string
			if err := d.Reader().QueryRow(ctx, `SELECT conversation_id, type, text FROM messages ORDER BY id DESC LIMIT 1`).Scan(&id, &typ, &text); err != nil {
				t.Fatal(err)
			}
			if typ != w.typ || text != w.text {
				t.Errorf("%s stored as %q %q, want %q %q", w.fixture, typ, text, w.typ, w.text)
			}
			if convID == 0 {
				convID = id
			} else if id != convID {
				t.Errorf("%s went to conversation %d, not %d", w.fixture, id, convID)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE direction = 'in'`); n != len(want) {
			t.Errorf("%d messages stored, want %d", n, len(want))
		}
		// Media Viber holds are fetched later, one fetch each.
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches`); n != 4 {
			t.Errorf("%d media fetches queued, want 4 (picture, video, file, sticker)", n)
		}
		var contactID int64
		if err := d.Reader().QueryRow(ctx, `SELECT contact_id FROM conversations WHERE id = ?`, convID).Scan(&contactID); err != nil {
			t.Fatal(err)
		}
		ids, err := contact.New(d).ListIdentities(ctx, f.ws.ID, contactID)
		if err != nil || len(ids) != 1 || ids[0].ExternalID != "01234567890A=" || ids[0].ChannelID != f.ch.ID {
			t.Fatalf("identities %+v, %v", ids, err)
		}
		c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), contactID)
		if err != nil || c.FirstName != "John" || c.LastName != "McClane" || c.Language != "en" || c.Country != "UK" ||
			!strings.HasPrefix(c.AvatarURL, "https://media-direct.cdn.viber.com/") {
			t.Errorf("contact %+v, %v", c, err)
		}
	})
}

// A redelivered callback (Viber retries for an hour until it gets a 200)
// is stored once: the message_token names the message.
func TestWebhookRedeliveryStoredOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		for _, name := range []string{"message_text", "message_picture", "message_keyboard_reply"} {
			f.deliver(t, name)
			before := rows(t, d)
			if r := f.deliver(t, name); r.body["duplicate"] != true {
				t.Errorf("redelivered %s answered %s", name, r.raw)
			}
			if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("redelivered %s changed the store: %v → %v", name, before, after)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches`); n != 1 {
			t.Errorf("%d media fetches for one picture delivered twice", n)
		}
	})
}

// Bodies that are not Viber's callbacks are a 400 with the project's
// error body, even when signed, and store nothing.
func TestWebhookMalformed(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		before := rows(t, d)
		for _, body := range []string{`{`, `[]`, `"message"`, `{"timestamp":1}`, `{"event":7}`,
			`{"event":"message","message_token":1,"sender":{"id":"a"}}`,
			`{"event":"message","message_token":"abc","sender":{"id":"a"},"message":{"type":"text"}}`,
			`{"event":"message","message_token":1,"message":{"type":"text","text":"hi"}}`,
			`{"event":"delivered","message_token":1}`,
			`{"event":"seen","user_id":"a"}`} {
			r := f.post(t, f.url(f.ch.ID), Sign(testAuthToken, []byte(body)), []byte(body))
			if r.status != http.StatusBadRequest || r.body["error"] == nil {
				t.Errorf("%s: status %d %s", body, r.status, r.raw)
			}
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("the store changed: %v → %v", before, after)
		}
	})
}

// Receipts move our message, named by the message_token send_message
// answered: delivered, then seen as read; failed with Viber's words. A
// redelivered receipt changes nothing more.
func TestWebhookReceipts(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		f.deliver(t, "message_text")
		state := func(id int64) (string, string) {
			var status, reason string
			if err := d.Reader().QueryRow(ctx, `SELECT status, failure_reason FROM messages WHERE id = ?`, id).Scan(&status, &reason); err != nil {
				t.Fatal(err)
			}
			return status, reason
		}
		id := channeltest.SentMessage(t, d, f.ws.ID, "5741311803571721087")
		f.deliver(t, "delivered")
		if s, _ := state(id); s != conversation.MsgDelivered {
			t.Errorf("delivered: %s", s)
		}
		f.deliver(t, "seen")
		if s, _ := state(id); s != conversation.MsgRead {
			t.Errorf("seen: %s", s)
		}
		if r := f.deliver(t, "seen"); r.body["ignored"] == nil {
			t.Errorf("redelivered seen answered %s", r.raw)
		}
		failed := channeltest.SentMessage(t, d, f.ws.ID, "5741311803571721088")
		f.deliver(t, "failed")
		if s, reason := state(failed); s != conversation.MsgFailed || reason != "failure description" {
			t.Errorf("failed: %s %q", s, reason)
		}
	})
}

// failingReceiver stands for a store that cannot commit.
// The webhook is answered 2xx only once the message is stored: a store
// that fails is a 5xx, which Viber retries.
func TestWebhookAcknowledgesOnlyAfterReceive(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, channeltest.FailingReceiver{})
		body := callback(t, "message_text")
		if r := f.post(t, f.url(f.ch.ID), Sign(testAuthToken, body), body); r.status < 500 {
			t.Errorf("status %d: %s", r.status, r.raw)
		}
	})
}

// What the webhook hands the receive path for each callback: the
// contact's message under its message_token, media by URL, receipts as
// statuses of our message.
func TestWebhookItems(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		rec := &channeltest.Recorder{}
		f := newFixture(t, d, rec)
		for _, name := range []string{"message_picture", "failed"} {
			f.deliver(t, name)
		}
		if len(rec.Items) != 2 {
			t.Fatalf("%d items", len(rec.Items))
		}
		pic, st := rec.Items[0], rec.Items[1]
		if pic.Kind != conversation.KindMessage || pic.ProviderMessageID != "4912661846655238146" || pic.ExternalID != "01234567890A=" ||
			len(pic.Media) != 1 || pic.Media[0].Kind != "image" || !strings.HasPrefix(pic.Media[0].Ref, "https://dl-media.viber.com/") ||
			pic.Timestamp.UnixMilli() != 1457764197700 || pic.WorkspaceID != f.ws.ID || pic.ChannelID != f.ch.ID {
			t.Errorf("picture %+v", pic)
		}
		if st.Kind != conversation.KindStatus || st.Status != conversation.MsgFailed || st.ProviderMessageID != "5741311803571721088" ||
			st.Reason != "failure description" || st.ExternalID != "01234567890A=" {
			t.Errorf("failed %+v", st)
		}
	})
}
