package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

const testAppSecret = "6f1a0c4d2b9e8a7f"

// Signatures computed independently with
// openssl dgst -sha256 -hmac 6f1a0c4d2b9e8a7f testdata/<name>.json.
var signatureVectors = map[string]string{
	"text":          "sha256=3eea84959a0fbfea55e5848a99c37dce56256e5683234ed82fb4ae5f30844997",
	"status_failed": "sha256=cdca74efccd38cef7d41916e484e85a649b3f72a08c6c641b1bcb75c530e1464",
}

func TestSignatureVectors(t *testing.T) {
	for name, want := range signatureVectors {
		body := fixture(t, name)
		if got := meta.Sign(testAppSecret, body); got != want {
			t.Errorf("%s: Sign = %s, want %s", name, got, want)
		}
		if !meta.ValidSignature(testAppSecret, body, want) {
			t.Errorf("%s: the vector does not validate", name)
		}
	}
}

// hook is a workspace with a WhatsApp channel and its webhook served
// over real HTTP from the registry's routes.
type hook struct {
	d        *db.DB
	ws       workspace.Workspace
	ch       channel.Channel
	channels *channel.Service
	convs    *conversation.Service
	srv      *httptest.Server
}

func testChannels(t testing.TB, d *db.DB) *channel.Service {
	return channeltest.Service(t, d, New(nil))
}

// newHook mounts the webhook over receiver (nil: the real receive path).
func newHook(t *testing.T, d *db.DB, receiver channel.Receiver, extra map[string]any) *hook {
	t.Helper()
	ctx := context.Background()
	ws := channeltest.Workspace(t, d)
	h := &hook{d: d, ws: ws, channels: testChannels(t, d), convs: conversation.New(d)}
	cfg := map[string]any{"phone_number_id": testPhoneNumberID, "business_account_id": "102290129340398",
		"access_token": "EAAG-token", "app_secret": testAppSecret}
	for k, v := range extra {
		cfg[k] = v
	}
	raw, _ := json.Marshal(cfg)
	var err error
	if h.ch, err = h.channels.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "WhatsApp", Config: raw}); err != nil {
		t.Fatal(err)
	}
	if receiver == nil {
		receiver = h.convs
	}
	h.srv = channeltest.Serve(t, channel.Inbox{Channels: h.channels, Receiver: receiver, Metrics: metrics.New()})
	return h
}

func (h *hook) url(id int64) string {
	return h.srv.URL + "/webhooks/whatsapp/" + strconv.FormatInt(id, 10)
}

// post delivers body signed with sig ("" to sign it with the app secret).
func (h *hook) post(t *testing.T, id int64, body []byte, sig string) (int, string) {
	t.Helper()
	if sig == "" {
		sig = meta.Sign(testAppSecret, body)
	}
	req, _ := http.NewRequest(http.MethodPost, h.url(id), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "-" {
		req.Header.Set(meta.SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// rows counts the rows of every table a webhook writes to.
func rows(t *testing.T, d *db.DB) map[string]int { return channeltest.Rows(t, d) }

// A text message creates the contact with WhatsApp's profile name and
// number, opens a conversation and is answered 200 once stored; the same
// delivery again is stored once.
func TestWebhookStoresAndDedupes(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		h := newHook(t, d, nil, nil)
		body := fixture(t, "text")
		status, out := h.post(t, h.ch.ID, body, signatureVectors["text"])
		if status != http.StatusOK || !strings.Contains(out, `"opened":true`) {
			t.Fatalf("%d %s", status, out)
		}
		var ack struct{ Results []conversation.Received }
		json.Unmarshal([]byte(out), &ack)
		m, err := h.convs.GetMessage(context.Background(), access.System(h.ws.ID), ack.Results[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != "text" || m.Text != "Does it come in another color?" || m.SentAt.Unix() != 1749416383 ||
			m.ProviderMessageID != "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=" {
			t.Errorf("message %+v", m)
		}
		c, err := contact.New(d).Get(context.Background(), access.System(h.ws.ID), ack.Results[0].ContactID)
		if err != nil || c.FirstName != "Sheena" || c.LastName != "Nelson" || c.Phone != "+16505551234" {
			t.Errorf("contact %+v %v", c, err)
		}
		before := rows(t, d)
		status, out = h.post(t, h.ch.ID, body, "")
		if status != http.StatusOK || !strings.Contains(out, `"duplicate":true`) {
			t.Fatalf("redelivery: %d %s", status, out)
		}
		if after := rows(t, d); after["messages"] != before["messages"] {
			t.Errorf("a redelivery stored again: %v → %v", before, after)
		}
	})
}

// Refused deliveries store nothing: a wrong or missing signature (401),
// a malformed body (400), another channel type or no channel (404).
func TestWebhookRefusals(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		h := newHook(t, d, nil, nil)
		body := fixture(t, "text")
		before := rows(t, d)
		for _, tc := range []struct {
			name   string
			id     int64
			body   []byte
			sig    string
			status int
		}{
			{"no signature", h.ch.ID, body, "-", 401},
			{"another secret's signature", h.ch.ID, body, meta.Sign("other", body), 401},
			{"the signature of another body", h.ch.ID, body, meta.Sign(testAppSecret, []byte(`{}`)), 401},
			{"sha1 scheme", h.ch.ID, body, "sha1=" + meta.Sign(testAppSecret, body)[7:], 401},
			{"not JSON, signed", h.ch.ID, []byte(`{"object":`), "", 400},
			{"another object, signed", h.ch.ID, []byte(`{"object":"page","entry":[]}`), "", 400},
			{"no such channel", h.ch.ID + 100, body, "", 404},
			{"not a number", 0, body, "", 404},
		} {
			status, out := h.post(t, tc.id, tc.body, tc.sig)
			if status != tc.status {
				t.Errorf("%s: %d %s", tc.name, status, out)
			}
		}
		if after := rows(t, d); !equal(before, after) {
			t.Errorf("a refused delivery stored: %v → %v", before, after)
		}
	})
}

func equal(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A delivery for another phone number of the same app, or of account
// errors only, is acknowledged with nothing stored.
func TestWebhookOtherPhoneNumber(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		h := newHook(t, d, nil, nil)
		before := rows(t, d)
		for _, name := range []string{"other_phone_number", "account_errors"} {
			status, out := h.post(t, h.ch.ID, fixture(t, name), "")
			if status != http.StatusOK || strings.TrimSpace(out) != `{"results":[]}` {
				t.Errorf("%s: %d %q", name, status, out)
			}
		}
		if after := rows(t, d); !equal(before, after) {
			t.Errorf("stored: %v → %v", before, after)
		}
	})
}

// A status of a message Switchboard sent moves it; an unsupported type
// is stored as such.
func TestWebhookStatusAndUnsupported(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		h := newHook(t, d, nil, nil)
		status, out := h.post(t, h.ch.ID, fixture(t, "unsupported"), "")
		if status != http.StatusOK || !strings.Contains(out, `"message_id"`) {
			t.Fatalf("unsupported: %d %s", status, out)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE type = 'unsupported' AND content LIKE '%poll_creation%'`); n != 1 {
			t.Errorf("%d unsupported messages", n)
		}
		status, out = h.post(t, h.ch.ID, fixture(t, "status_failed"), "")
		if status != http.StatusOK {
			t.Fatalf("status: %d %s", status, out)
		}
	})
}

// Every fixture reaches the receive path as the parser made it (reactions
// and media included, which the receive path stores on the message they
// name and fetches after).
func TestWebhookHandsEveryFixtureOn(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		rec := &channeltest.Recorder{}
		h := newHook(t, d, rec, nil)
		for _, name := range []string{"reaction", "image", "button_reply", "status_read"} {
			rec.Items = nil
			if status, out := h.post(t, h.ch.ID, fixture(t, name), ""); status != http.StatusOK {
				t.Fatalf("%s: %d %s", name, status, out)
			}
			if len(rec.Items) != 1 || rec.Items[0].ChannelID != h.ch.ID || rec.Items[0].WorkspaceID != h.ws.ID {
				t.Errorf("%s: %+v", name, rec.Items)
			}
		}
	})
}

// Meta's subscription check: the challenge back for the verify token (the
// generated one, or the one given), 403 otherwise.
func TestWebhookHandshake(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		for _, tc := range []struct {
			name  string
			extra map[string]any
			token func(h *hook) string
		}{
			{"generated", nil, func(h *hook) string { return h.ch.Token }},
			{"given", map[string]any{"verify_token": "my-verify-token"}, func(*hook) string { return "my-verify-token" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				h := newHook(t, d, nil, tc.extra)
				get := func(token string) (int, string) {
					q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {token}, "hub.challenge": {"1158201444"}}
					resp, err := http.Get(h.url(h.ch.ID) + "?" + q.Encode())
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					return resp.StatusCode, string(b)
				}
				if status, body := get(tc.token(h)); status != 200 || body != "1158201444" {
					t.Errorf("right token: %d %q", status, body)
				}
				if status, _ := get("wrong"); status != 403 {
					t.Errorf("wrong token: %d", status)
				}
				if tc.extra != nil {
					if status, _ := get(h.ch.Token); status != 403 {
						t.Errorf("the generated token still verifies when one is given: %d", status)
					}
				}
			})
		}
	})
}
