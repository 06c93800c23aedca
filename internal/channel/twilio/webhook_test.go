package twilio

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// storedMessage is what the store holds of an inbound message.
type storedMessage struct {
	typ, text, content, providerID string
}

func lastMessage(t *testing.T, d *db.DB) storedMessage {
	t.Helper()
	var m storedMessage
	err := d.Reader().QueryRow(context.Background(), `SELECT type, text, content, COALESCE(provider_message_id, '') FROM messages ORDER BY id DESC LIMIT 1`).
		Scan(&m.typ, &m.text, &m.content, &m.providerID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// An SMS is stored as the contact's message, answered with empty TwiML
// only after; its redelivery (same MessageSid) is stored once.
func TestWebhookStoresSMSOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "")
		form := fixtureForm(t, "sms.form")
		a := f.deliver(t, f.path(""), form)
		if !strings.HasPrefix(a.ctype, "text/xml") || !strings.Contains(a.body, "<Response/>") {
			t.Errorf("answer %q %q, want empty TwiML", a.ctype, a.body)
		}
		m := lastMessage(t, d)
		if m.typ != "text" || m.text != "Hello, I need help with billing" || m.providerID != "SMbe794ce78f6b9fdf853d2acb76c080db" {
			t.Errorf("stored %+v", m)
		}
		var c map[string]any
		if err := json.Unmarshal([]byte(m.content), &c); err != nil || c["num_segments"] != 1.0 {
			t.Errorf("content %s", m.content)
		}
		var phone, country string
		if err := d.Reader().QueryRow(context.Background(), `SELECT phone, country FROM contacts`).Scan(&phone, &country); err != nil {
			t.Fatal(err)
		}
		if phone != "+16505551199" || country != "US" {
			t.Errorf("contact phone %q country %q", phone, country)
		}
		before := rows(t, d)
		f.deliver(t, f.path(""), form)
		if after := rows(t, d); !reflect.DeepEqual(before, after) {
			t.Errorf("a redelivery changed %v into %v", before, after)
		}
	})
}

// An MMS with two media and a message with neither body nor media (stored
// as unsupported with its parameters) go through the same webhook.
func TestWebhookMMSAndUnsupported(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "")
		f.deliver(t, f.path(""), fixtureForm(t, "mms_two_media.form"))
		m := lastMessage(t, d)
		if m.typ != "attachment" || m.text != "Here are the photos" || !strings.Contains(m.content, "/Media/ME1b") {
			t.Errorf("MMS stored as %+v", m)
		}
		f.deliver(t, f.path(""), fixtureForm(t, "empty_body.form"))
		m = lastMessage(t, d)
		if m.typ != conversation.TypeUnsupported || !strings.Contains(m.content, `"SmsStatus":["received"]`) {
			t.Errorf("empty message stored as %+v", m)
		}
	})
}

// Wrong, missing or replayed signatures are 401 and store nothing;
// malformed requests are 400; other channels' ids are 404.
func TestWebhookRefusals(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "")
		form := fixtureForm(t, "sms.form")
		own := f.srv.URL + f.path("")
		tampered := fixtureForm(t, "sms.form")
		before := rows(t, d)
		tests := []struct {
			name   string
			send   func() answer
			status int
		}{
			{"no signature", func() answer { return f.post(t, f.path(""), form, own, "") }, http.StatusUnauthorized},
			{"another token", func() answer { return f.post(t, f.path(""), form, own, "not-the-token") }, http.StatusUnauthorized},
			{"signed for another URL", func() answer {
				return f.post(t, f.path(""), form, "https://elsewhere.example.com"+f.path(""), testToken)
			}, http.StatusUnauthorized},
			{"signed for the status URL", func() answer { return f.post(t, f.path(""), form, own+"/status", testToken) }, http.StatusUnauthorized},
			{"a parameter changed after signing", func() answer {
				req, _ := http.NewRequest(http.MethodPost, own, nil)
				tampered.Set("Body", "Hello, I need help with billing")
				sig := Signature(testToken, own, tampered)
				tampered.Set("Body", "Send me everything")
				req.Body = ioNop(tampered.Encode())
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(SignatureHeader, sig)
				return do(t, req)
			}, http.StatusUnauthorized},
			{"malformed form", func() answer {
				req, _ := http.NewRequest(http.MethodPost, own, ioNop("Body=%zz&From=%2B1"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(SignatureHeader, "x")
				return do(t, req)
			}, http.StatusBadRequest},
			{"JSON body", func() answer {
				req, _ := http.NewRequest(http.MethodPost, own, ioNop(`{"Body":"hi"}`))
				req.Header.Set("Content-Type", "application/json")
				return do(t, req)
			}, http.StatusBadRequest},
			{"signed, but no MessageSid", func() answer {
				bad := url.Values{"From": {"+16505551199"}, "Body": {"hi"}}
				return f.post(t, f.path(""), bad, own, testToken)
			}, http.StatusBadRequest},
			{"signed, but NumMedia without its MediaUrl", func() answer {
				bad := fixtureForm(t, "sms.form")
				bad.Set("NumMedia", "1")
				return f.post(t, f.path(""), bad, own, testToken)
			}, http.StatusBadRequest},
			{"unknown channel", func() answer {
				return f.post(t, "/webhooks/twilio/999", form, f.srv.URL+"/webhooks/twilio/999", testToken)
			}, http.StatusNotFound},
			{"not a channel id", func() answer {
				return f.post(t, "/webhooks/twilio/x", form, f.srv.URL+"/webhooks/twilio/x", testToken)
			}, http.StatusNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if a := tt.send(); a.status != tt.status {
					t.Errorf("status %d, want %d: %s", a.status, tt.status, a.body)
				}
				if after := rows(t, d); !reflect.DeepEqual(before, after) {
					t.Errorf("a refused webhook changed %v into %v", before, after)
				}
			})
		}
	})
}

// Twilio signs the URL it called: behind a proxy or a tunnel, the
// channel's webhook_base_url or the node's public URL is that URL's base,
// not the address the request reached.
func TestWebhookSignedForPublicURL(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		t.Run("node public URL", func(t *testing.T) {
			f := newFixture(t, d, "https://sb.example.com")
			if a := f.post(t, f.path(""), fixtureForm(t, "sms.form"), "https://sb.example.com"+f.path(""), testToken); a.status != http.StatusOK {
				t.Errorf("status %d: %s", a.status, a.body)
			}
		})
		t.Run("channel webhook base URL", func(t *testing.T) {
			f := newFixture(t, d, "https://sb.example.com", func(c *Config) { c.WebhookBaseURL = "https://tunnel.example.net/sb" })
			form := fixtureForm(t, "sms_unicode.form")
			if a := f.post(t, f.path(""), form, "https://tunnel.example.net/sb"+f.path(""), testToken); a.status != http.StatusOK {
				t.Errorf("status %d: %s", a.status, a.body)
			}
		})
		t.Run("proxy headers", func(t *testing.T) {
			f := newFixture(t, d, "")
			form := fixtureForm(t, "sms.form")
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+f.path(""), ioNop(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-Proto", "https")
			req.Header.Set("X-Forwarded-Host", "inbox.example.org")
			req.Header.Set(SignatureHeader, Signature(testToken, "https://inbox.example.org"+f.path(""), form))
			if a := do(t, req); a.status != http.StatusOK {
				t.Errorf("status %d: %s", a.status, a.body)
			}
		})
	})
}

// Status callbacks move the outbound message: sent, delivered and read as
// such, undelivered and failed to failed with Twilio's error; queued and
// sending change nothing and say so.
func TestWebhookStatusCallbacks(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "")
		ctx := context.Background()
		f.deliver(t, f.path(""), fixtureForm(t, "sms.form"))
		send := func(sid string) int64 { return channeltest.SentMessage(t, d, f.ws.ID, sid) }
		state := func(id int64) (string, string) {
			var status, reason string
			if err := d.Reader().QueryRow(ctx, `SELECT status, failure_reason FROM messages WHERE id = ?`, id).Scan(&status, &reason); err != nil {
				t.Fatal(err)
			}
			return status, reason
		}
		sid := "SM5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"

		id := send(sid)
		for _, st := range []string{"queued", "sending"} {
			a := f.deliver(t, f.path("/status"), fixtureForm(t, "status_"+st+".form"))
			if !strings.Contains(a.ignored, st) || !strings.Contains(a.body, "<Response/>") {
				t.Errorf("%s: ignored %q, body %q", st, a.ignored, a.body)
			}
		}
		if s, _ := state(id); s != conversation.MsgSent {
			t.Errorf("after queued/sending: %s", s)
		}
		// The segment count Send put in the callback URL is recorded with the status.
		path := f.path("/status") + "?encoding=GSM-7&segments=2"
		f.deliver(t, path, fixtureForm(t, "status_delivered.form"))
		var reason string
		if err := d.Reader().QueryRow(ctx, `SELECT reason FROM message_statuses WHERE message_id = ? AND status = 'delivered'`, id).Scan(&reason); err != nil {
			t.Fatal(err)
		}
		// A note, not a failure: the message shows no failure reason.
		if s, failure := state(id); s != conversation.MsgDelivered || reason != "sent as 2 SMS segments (GSM-7)" || failure != "" {
			t.Errorf("delivered: %s, reason %q, failure reason %q", s, reason, failure)
		}
		f.deliver(t, f.path("/status"), fixtureForm(t, "status_read.form"))
		if s, _ := state(id); s != conversation.MsgRead {
			t.Errorf("read: %s", s)
		}
		// A redelivered callback changes nothing more.
		if a := f.deliver(t, f.path("/status"), fixtureForm(t, "status_read.form")); a.ignored != "status already recorded" {
			t.Errorf("redelivered read: ignored %q", a.ignored)
		}

		for i, tt := range []struct{ fixture, reason string }{
			{"status_undelivered_30003.form", "Unreachable destination handset (Twilio error 30003)"},
			{"status_failed_30008.form", "Unknown error (Twilio error 30008)"},
		} {
			form := fixtureForm(t, tt.fixture)
			sid := form.Get("MessageSid") + strconv.Itoa(i)
			id := send(sid)
			form.Set("MessageSid", sid)
			f.deliver(t, f.path("/status"), form)
			if s, r := state(id); s != conversation.MsgFailed || r != tt.reason {
				t.Errorf("%s: %s %q, want failed %q", tt.fixture, s, r, tt.reason)
			}
		}

		// A status of a message Switchboard never sent is answered, not stored.
		unknown := fixtureForm(t, "status_delivered.form")
		unknown.Set("MessageSid", "SMffffffffffffffffffffffffffffffff")
		if a := f.deliver(t, f.path("/status"), unknown); a.ignored == "" {
			t.Errorf("unknown sid: nothing said")
		}
		// The status webhook checks the signature as the message webhook does.
		before := rows(t, d)
		if a := f.post(t, f.path("/status"), fixtureForm(t, "status_delivered.form"), f.srv.URL+f.path("/status"), "wrong"); a.status != http.StatusUnauthorized {
			t.Errorf("wrong signature: %d", a.status)
		}
		if after := rows(t, d); !reflect.DeepEqual(before, after) {
			t.Errorf("refused status changed %v into %v", before, after)
		}
	})
}

// failingReceiver stands for a store that cannot commit.
// Twilio is acknowledged only once Receive returned: when the store
// fails, the answer is a 5xx (Twilio retries), never the TwiML of success.
func TestWebhookAcknowledgesOnlyAfterReceive(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "")
		p := New(channeltest.LoopbackClient(), "")
		mux := http.NewServeMux()
		for _, rt := range p.Webhooks(channel.Inbox{Channels: f.channels, Receiver: channeltest.FailingReceiver{}}) {
			mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
		}
		srv := httptest.NewServer(mux)
		defer srv.Close()
		for _, tt := range []struct{ path, fixture string }{{f.path(""), "sms.form"}, {f.path("/status"), "status_delivered.form"}} {
			form := fixtureForm(t, tt.fixture)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+tt.path, ioNop(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(SignatureHeader, Signature(testToken, srv.URL+tt.path, form))
			if a := do(t, req); a.status < 500 || strings.Contains(a.body, "<Response") {
				t.Errorf("%s: %d %q", tt.path, a.status, a.body)
			}
		}
	})
}
