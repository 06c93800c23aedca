package line

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The signature is the only credential: a missing one, another body's,
// another secret's or garbage is a 401 that stores nothing and asks
// nothing of LINE; a channel that is not LINE's is a 404.
func TestWebhookSignature(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		body := string(events(t, "message_text"))
		good := Sign(testSecret, []byte(body))
		before := rows(t, d)
		for _, tc := range []struct {
			name, url, sig string
			status         int
		}{
			{"missing", f.url(f.ch.ID), "", http.StatusUnauthorized},
			{"another secret's", f.url(f.ch.ID), Sign("0000000000000000000000000000000a", []byte(body)), http.StatusUnauthorized},
			{"another body's", f.url(f.ch.ID), Sign(testSecret, []byte(body+" ")), http.StatusUnauthorized},
			{"not base64", f.url(f.ch.ID), "not a signature!", http.StatusUnauthorized},
			{"hex instead of base64", f.url(f.ch.ID), fmt.Sprintf("%x", good), http.StatusUnauthorized},
			{"cut", f.url(f.ch.ID), good[:len(good)-4], http.StatusUnauthorized},
			{"unknown channel", f.url(999999), good, http.StatusNotFound},
			{"not a channel id", f.srv.URL + "/webhooks/line/abc", good, http.StatusNotFound},
		} {
			status, out := f.post(t, tc.url, tc.sig, body)
			if status != tc.status {
				t.Errorf("%s: status %d (%v), want %d", tc.name, status, out, tc.status)
			}
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("refused deliveries changed the store: %v → %v", before, after)
		}
		if calls := f.api.made(); len(calls) != 0 {
			t.Errorf("refused deliveries called LINE: %+v", calls)
		}
		if status, out := f.post(t, f.url(f.ch.ID), good, body); status != http.StatusOK {
			t.Fatalf("the right signature: status %d %v", status, out)
		}
	})
}

// Every message kind and a quick reply's postback are stored from the
// contact, named by their LINE profile (asked once); a postback is stored
// as the contact's answer.
func TestWebhookStoresEachKind(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		want := []struct{ file, typ, text string }{
			{"message_text", "text", "Hello, I need help with my order"},
			{"message_image", "attachment", ""},
			{"message_image_external", "attachment", ""},
			{"message_video", "attachment", ""},
			{"message_audio", "attachment", ""},
			{"message_file", "attachment", ""},
			{"message_location", "location", "Tokyo Tower\n4 Chome-2-8 Shibakoen, Minato City, Tokyo 105-0011, Japan"},
			{"message_sticker", "sticker", ""},
			{"postback_quick_reply", "quick_reply", "Billing"},
		}
		var convID int64
		for _, w := range want {
			out := f.deliver(t, w.file)
			if res, _ := out["results"].([]any); len(res) != 1 {
				t.Errorf("%s answered %v", w.file, out)
			}
			var id int64
			var typ, text string
			if err := d.Reader().QueryRow(ctx, `SELECT conversation_id, type, text FROM messages ORDER BY id DESC LIMIT 1`).Scan(&id, &typ, &text); err != nil {
				t.Fatal(err)
			}
			if typ != w.typ || text != w.text {
				t.Errorf("%s stored as %q %q", w.file, typ, text)
			}
			if convID == 0 {
				convID = id
			} else if id != convID {
				t.Errorf("%s went to conversation %d, not %d", w.file, id, convID)
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
		if err != nil || len(ids) != 1 || ids[0].ExternalID != testUser || ids[0].ChannelID != f.ch.ID {
			t.Fatalf("identities %+v, %v", ids, err)
		}
		c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), contactID)
		if err != nil || c.FirstName != "Ada Lovelace" || c.Language != "en" {
			t.Errorf("contact %+v, %v", c, err)
		}
		profiles := 0
		for _, call := range f.api.made() {
			if call.Path == "/v2/bot/profile/"+testUser {
				profiles++
			}
		}
		if profiles != 1 {
			t.Errorf("the profile was asked %d times, want once", profiles)
		}
	})
}

// A redelivered event (isRedelivery, same message id) and a redelivered
// postback (same event id) are stored once.
func TestWebhookRedeliveryStoredOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		f.deliver(t, "message_text")
		before := rows(t, d)
		out := f.deliver(t, "message_text_redelivery")
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the redelivery changed the store: %v → %v", before, after)
		}
		if res, _ := out["results"].([]any); len(res) != 1 || res[0].(map[string]any)["duplicate"] != true {
			t.Errorf("redelivery answered %v", out)
		}
		f.deliver(t, "postback_quick_reply")
		before = rows(t, d)
		f.deliver(t, "postback_quick_reply")
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("the redelivered postback changed the store: %v → %v", before, after)
		}
	})
}

// The console's Verify (no events) and follow/unfollow events are
// answered 200 and store nothing; a body that is not LINE's, correctly
// signed, is a 400 that stores nothing.
func TestWebhookIgnoredAndMalformed(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		before := rows(t, d)
		f.deliver(t, "verify")
		if out := f.deliver(t, "follow"); out["skipped"] != 2.0 {
			t.Errorf("follow answered %v", out)
		}
		for _, body := range []string{`{`, `[]`, `{"destination":"U1"}`, `{"events":"none"}`} {
			status, out := f.post(t, f.url(f.ch.ID), Sign(testSecret, []byte(body)), body)
			if status != http.StatusBadRequest || out["error"] == nil {
				t.Errorf("%s: status %d %v", body, status, out)
			}
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("the store changed: %v → %v", before, after)
		}
	})
}

// A message in a group chat is the group's: the group is the contact,
// named by its summary.
func TestWebhookGroup(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		f.deliver(t, "message_group_text")
		ctx := context.Background()
		var contactID int64
		if err := d.Reader().QueryRow(ctx, `SELECT contact_id FROM conversations`).Scan(&contactID); err != nil {
			t.Fatal(err)
		}
		ids, _ := contact.New(d).ListIdentities(ctx, f.ws.ID, contactID)
		c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), contactID)
		if err != nil || c.FirstName != "Acme Team" || len(ids) != 1 || ids[0].ExternalID != testGroup {
			t.Errorf("contact %+v %+v, %v", c, ids, err)
		}
	})
}

// The profile is best effort: LINE refusing it (a user who has not
// consented: 404) leaves the contact without LINE's name (named by its id), the
// message stored.
func TestWebhookProfileRefused(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		f.api.queue("GET /v2/bot/profile/"+testUser, http.StatusNotFound, `{"message":"Not found"}`)
		f.deliver(t, "message_text")
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 1 {
			t.Fatalf("%d messages", n)
		}
		var first string
		if err := d.Reader().QueryRow(context.Background(), `SELECT first_name FROM contacts`).Scan(&first); err != nil || first == "Ada Lovelace" {
			t.Errorf("first name %q, %v", first, err)
		}
		// With LINE unreachable as well.
		f.api.api.Close()
		body := strings.Replace(string(events(t, "message_group_text")), "468789577898262599", "468789577898262600", 1)
		if status, out := f.post(t, f.url(f.ch.ID), Sign(testSecret, []byte(body)), body); status != http.StatusOK {
			t.Fatalf("status %d %v", status, out)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 2 {
			t.Errorf("%d messages", n)
		}
	})
}

// LINE is answered 200 only once the delivery is stored: a store that
// fails is a 5xx, so LINE (with redelivery on) delivers it again.
func TestWebhookAcknowledgesOnlyAfterReceive(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, channeltest.FailingReceiver{})
		body := string(events(t, "message_text"))
		if status, out := f.post(t, f.url(f.ch.ID), Sign(testSecret, []byte(body)), body); status < 500 {
			t.Errorf("status %d %v, want a 5xx", status, out)
		}
	})
}
