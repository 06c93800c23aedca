package messenger

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
	"sync/atomic"
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

const testAppSecret = "3f1e9c0d5a7b2e8f4c6a1d0b9e8f7a6c"

// Signature vectors of fixture files, computed independently of this
// code with `openssl dgst -sha256 -hmac <app secret> <file>` (Meta's
// algorithm: HMAC-SHA256 of the raw body under the app secret, in hex,
// after "sha256=").
func TestSignatureVectors(t *testing.T) {
	for file, want := range map[string]string{
		"messenger/text.json": "2734fbbb718a4e965e11ec88a6bc58cfc72ac47c732529241289c197c01f0373",
		"instagram/text.json": "e20c7e7b8d9daa75d9942a6bf7efcb34d01be64770068e18578cde969a32bba8",
		"messenger/echo.json": "c08ab47781a4c586de4cd444ce174196b96e951285c91548272ead7cab95e964",
	} {
		body := fixture(t, file)
		if !meta.ValidSignature(testAppSecret, body, "sha256="+want) {
			t.Errorf("%s: the openssl vector does not validate (we compute %s)", file, meta.Sign(testAppSecret, body))
		}
	}
}

// hookFixture is a workspace with a Messenger and an Instagram channel,
// their webhooks served over real HTTP from the registry's route table.
type hookFixture struct {
	d         *db.DB
	ws        workspace.Workspace
	messenger channel.Channel
	instagram channel.Channel
	convs     *conversation.Service
	srv       *httptest.Server

	profileCalls atomic.Int32
}

func newHookFixture(t *testing.T, d *db.DB) *hookFixture {
	t.Helper()
	ctx := context.Background()
	ws := channeltest.Workspace(t, d)
	f := &hookFixture{d: d, ws: ws, convs: conversation.New(d)}
	// Meta's User Profile API, as documented: Messenger's first and last
	// name, Instagram's name and username.
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.profileCalls.Add(1)
		switch r.URL.Path {
		case "/v24.0/" + fxPSID:
			io.WriteString(w, `{"first_name":"Peter","last_name":"Chang","profile_pic":"https://platform-lookaside.fbsbx.com/x","id":"`+fxPSID+`"}`)
		case "/v24.0/" + fxIGSID:
			io.WriteString(w, `{"name":"Peter Chang","username":"peter_chang_live","profile_pic":"https://x","id":"`+fxIGSID+`"}`)
		default:
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100,"error_subcode":33}}`)
		}
	}))
	t.Cleanup(graph.Close)
	channels := channeltest.Service(t, d, NewMessenger(graph.Client()), NewInstagram(graph.Client()))
	var err error
	secrets := `"graph_url":"` + graph.URL + `","access_token":"EAAtoken","app_secret":"` + testAppSecret + `","verify_token":"verify-me"`
	if f.messenger, err = channels.Create(ctx, ws.ID, channel.Input{Type: TypeMessenger, Name: "Acme page",
		Config: json.RawMessage(`{"page_id":"` + fxPage + `",` + secrets + `}`)}); err != nil {
		t.Fatal(err)
	}
	if f.instagram, err = channels.Create(ctx, ws.ID, channel.Input{Type: TypeInstagram, Name: "Acme IG",
		Config: json.RawMessage(`{"account_id":"` + fxIG + `",` + secrets + `}`)}); err != nil {
		t.Fatal(err)
	}
	f.srv = channeltest.Serve(t, channel.Inbox{Channels: channels, Receiver: f.convs, Metrics: metrics.New()})
	return f
}

func (f *hookFixture) url(ch channel.Channel) string {
	return f.srv.URL + "/webhooks/" + ch.Type + "/" + strconv.FormatInt(ch.ID, 10)
}

// post delivers body to ch's webhook with the signature header sig
// ("" for none), returning the status and the answer.
func (f *hookFixture) post(t *testing.T, ch channel.Channel, body []byte, sig string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.url(ch), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(meta.SignatureHeader, sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// deliver posts a signed fixture and requires a 200.
func (f *hookFixture) deliver(t *testing.T, ch channel.Channel, file string) []conversation.Received {
	t.Helper()
	body := fixture(t, file)
	status, answer := f.post(t, ch, body, meta.Sign(testAppSecret, body))
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", file, status, answer)
	}
	var out struct{ Results []conversation.Received }
	if err := json.Unmarshal([]byte(answer), &out); err != nil {
		t.Fatal(err)
	}
	return out.Results
}

func (f *hookFixture) rows(t *testing.T) [3]int {
	return [3]int{dbtest.Count(t, f.d, `SELECT COUNT(*) FROM messages`), dbtest.Count(t, f.d, `SELECT COUNT(*) FROM contacts`),
		dbtest.Count(t, f.d, `SELECT COUNT(*) FROM message_statuses`)}
}

func TestWebhookHandshake(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newHookFixture(t, d)
		for _, tc := range []struct {
			name, url string
			status    int
			body      string
		}{
			{"messenger", f.url(f.messenger) + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
			{"instagram", f.url(f.instagram) + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42", 200, "42"},
			{"a wrong token", f.url(f.messenger) + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", 403, ""},
			{"another type's channel", f.srv.URL + "/webhooks/messenger/" + strconv.FormatInt(f.instagram.ID, 10) +
				"?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1", 404, ""},
			{"no such channel", f.srv.URL + "/webhooks/instagram/999?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1", 404, ""},
		} {
			resp, err := http.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || (tc.status == 200 && string(b) != tc.body) {
				t.Errorf("%s: %d %q", tc.name, resp.StatusCode, b)
			}
		}
	})
}

func TestWebhookStores(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newHookFixture(t, d)
		ctx := context.Background()
		res := f.deliver(t, f.messenger, "messenger/text.json")
		if len(res) != 1 || !res[0].Opened || res[0].MessageID == 0 {
			t.Fatalf("results %+v", res)
		}
		m, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), res[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Direction != "in" || m.Type != "text" || m.Text != "hello, world!" || m.ProviderMessageID != "m_text_0001" ||
			m.SentAt.UnixMilli() != 1700000000000 || m.ChannelID != f.messenger.ID {
			t.Errorf("message %+v", m)
		}
		// The contact is named after Meta's profile.
		c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), m.ContactID)
		if err != nil || c.FirstName != "Peter" || c.LastName != "Chang" {
			t.Errorf("contact %+v %v", c, err)
		}
		// A redelivery is stored once.
		if again := f.deliver(t, f.messenger, "messenger/text.json"); len(again) != 1 || !again[0].Duplicate || again[0].MessageID != m.ID {
			t.Errorf("redelivery %+v", again)
		}
		// The page's own reply from its inbox: stored as sent by the business.
		echo := f.deliver(t, f.messenger, "messenger/echo.json")
		e, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), echo[0].MessageID)
		if err != nil || e.Direction != "out" || e.Sender != "echo" || e.Text != "We are on it." || e.ContactID != m.ContactID {
			t.Errorf("echo %+v %v", e, err)
		}
		// A referral is kept as unsupported, with Meta's payload.
		ref := f.deliver(t, f.messenger, "messenger/referral.json")
		u, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), ref[0].MessageID)
		if err != nil || u.Type != conversation.TypeUnsupported || !bytes.Contains(u.Content, []byte(`"summer-campaign"`)) {
			t.Errorf("unsupported %+v %v", u, err)
		}
		// The echo's own send-path twin: Switchboard's sends are not stored twice.
		before := f.rows(t)
		f.deliver(t, f.messenger, "messenger/echo_own.json")
		if f.rows(t) != before {
			t.Error("the echo of Switchboard's own message was stored")
		}
		// Delivery of an outbound message by its mid.
		body := bytes.ReplaceAll(fixture(t, "messenger/delivery.json"), []byte("m_out_0001"), []byte("m_echo_0001"))
		status, answer := f.post(t, f.messenger, body, meta.Sign(testAppSecret, body))
		if status != 200 {
			t.Fatalf("delivery %d %s", status, answer)
		}
		if e, _ := f.convs.GetMessage(ctx, access.System(f.ws.ID), e.ID); e.Status != "delivered" {
			t.Errorf("after delivery: %s", e.Status)
		}
		// Instagram on its own URL.
		ig := f.deliver(t, f.instagram, "instagram/text.json")
		im, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), ig[0].MessageID)
		if err != nil || im.Text != "hi from instagram" || im.ChannelID != f.instagram.ID {
			t.Errorf("instagram %+v %v", im, err)
		}
		if c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), im.ContactID); err != nil || c.FirstName != "Peter Chang" {
			t.Errorf("instagram contact %+v %v", c, err)
		}
		// Meta was asked once per contact and channel.
		if n := f.profileCalls.Load(); n != 2 {
			t.Errorf("%d profile calls", n)
		}
	})
}

// Refused deliveries store nothing.
func TestWebhookRefuses(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newHookFixture(t, d)
		text := fixture(t, "messenger/text.json")
		ig := fixture(t, "instagram/text.json")
		malformed := []byte(`{"object":"page","entry":[{"id":"1","messaging":[{"sender":"me","message":{"mid":"m","text":"x"}}]}]}`)
		before := f.rows(t)
		for _, tc := range []struct {
			name   string
			ch     channel.Channel
			body   []byte
			sig    string
			status int
		}{
			{"no signature", f.messenger, text, "", 401},
			{"a wrong signature", f.messenger, text, meta.Sign("another secret", text), 401},
			{"the signature of another body", f.messenger, text, meta.Sign(testAppSecret, ig), 401},
			{"sha1 only", f.messenger, text, "sha1=" + meta.Sign(testAppSecret, text)[7:], 401},
			{"malformed", f.messenger, malformed, meta.Sign(testAppSecret, malformed), 400},
			{"not JSON", f.messenger, []byte("hello"), meta.Sign(testAppSecret, []byte("hello")), 400},
			{"instagram's object on a messenger URL", f.messenger, ig, meta.Sign(testAppSecret, ig), 400},
		} {
			if status, answer := f.post(t, tc.ch, tc.body, tc.sig); status != tc.status {
				t.Errorf("%s: %d %s", tc.name, status, answer)
			}
		}
		if f.rows(t) != before {
			t.Errorf("rows %v, before %v", f.rows(t), before)
		}
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/webhooks/messenger/"+url.PathEscape("abc"), bytes.NewReader(text))
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 404 {
			t.Errorf("a bad channel id: %v %v", resp, err)
		}
	})
}

// A contact may send more photos at once than the receive path fetches
// (conversation.MaxMedia): the message is stored all the same, its first
// MaxMedia files fetched and the others kept as links, rather than the
// whole delivery refused (and redelivered by Meta until it gives up).
func TestWebhookStoresAMessageWithMoreFilesThanAreFetched(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newHookFixture(t, d)
		n := conversation.MaxMedia + 2
		var atts []string
		for i := range n {
			atts = append(atts, `{"type":"image","payload":{"url":"https://scontent.xx.fbcdn.net/v/photo`+strconv.Itoa(i)+`.jpg"}}`)
		}
		body := []byte(`{"object":"page","entry":[{"id":"` + fxPage + `","time":1700000005000,"messaging":[{"sender":{"id":"` + fxPSID +
			`"},"recipient":{"id":"` + fxPage + `"},"timestamp":1700000000200,"message":{"mid":"m_many_0001","attachments":[` +
			strings.Join(atts, ",") + `]}}]}]}`)
		status, answer := f.post(t, f.messenger, body, meta.Sign(testAppSecret, body))
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, answer)
		}
		var out struct{ Results []conversation.Received }
		json.Unmarshal([]byte(answer), &out)
		if len(out.Results) != 1 || out.Results[0].MessageID == 0 {
			t.Fatalf("results %s", answer)
		}
		m, err := f.convs.GetMessage(context.Background(), access.System(f.ws.ID), out.Results[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != "attachment" {
			t.Errorf("type %q", m.Type)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches`); got != conversation.MaxMedia {
			t.Errorf("%d media fetches, want %d", got, conversation.MaxMedia)
		}
		for i := conversation.MaxMedia; i < n; i++ {
			if u := "photo" + strconv.Itoa(i) + ".jpg"; !bytes.Contains(m.Content, []byte(u)) {
				t.Errorf("the content lost %s: %s", u, m.Content)
			}
		}
	})
}

// An event without a mid kept as unsupported (a referral, an opt-in) is
// stored once when Meta delivers it again, as a message or a postback
// is; another kind of event at the same moment is not taken for it.
func TestWebhookStoresAnEventWithoutMidOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newHookFixture(t, d)
		first := f.deliver(t, f.messenger, "messenger/referral.json")
		before := f.rows(t)
		again := f.deliver(t, f.messenger, "messenger/referral.json")
		if len(again) != 1 || !again[0].Duplicate || again[0].MessageID != first[0].MessageID {
			t.Errorf("redelivery %+v, first %+v", again, first)
		}
		if f.rows(t) != before {
			t.Errorf("a redelivered referral was stored again: %v → %v", before, f.rows(t))
		}
		optin := bytes.Replace(fixture(t, "messenger/referral.json"), []byte(`"referral"`), []byte(`"optin"`), 1)
		status, answer := f.post(t, f.messenger, optin, meta.Sign(testAppSecret, optin))
		if status != http.StatusOK || bytes.Contains([]byte(answer), []byte(`"duplicate":true`)) {
			t.Errorf("an opt-in at the referral's time: %d %s", status, answer)
		}
	})
}

// Meta puts events without a sender in entry[].messaging[] (a Page's
// policy-enforcement notice names only the recipient): such an event is
// left out and counted as skipped, and the delivery's other events are
// stored and acknowledged, rather than the whole batch refused with a 400
// that Meta keeps redelivering.
func TestWebhookSkipsAnEventWithoutASender(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newHookFixture(t, d)
		body := []byte(`{"object":"page","entry":[{"id":"` + fxPage + `","time":1700000005000,"messaging":[` +
			`{"recipient":{"id":"` + fxPage + `"},"timestamp":1700000000100,"policy-enforcement":{"action":"block","reason":"The bot violated our Platform Policies"}},` +
			`{"sender":{"id":"` + fxPSID + `"},"recipient":{"id":"` + fxPage + `"},"timestamp":1700000000200,"message":{"mid":"m_after_policy","text":"still here"}}]}]}`)
		status, answer := f.post(t, f.messenger, body, meta.Sign(testAppSecret, body))
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, answer)
		}
		var out struct {
			Results []conversation.Received
			Skipped int
		}
		json.Unmarshal([]byte(answer), &out)
		if len(out.Results) != 1 || out.Results[0].MessageID == 0 || out.Skipped != 1 {
			t.Fatalf("answer %s, want the message stored and one event skipped", answer)
		}
		m, err := f.convs.GetMessage(context.Background(), access.System(f.ws.ID), out.Results[0].MessageID)
		if err != nil || m.Text != "still here" {
			t.Errorf("message %+v %v", m, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 1 {
			t.Errorf("%d messages, want the one with a sender", n)
		}
	})
}

// Meta's CDN URLs carry long signed query strings: one past 2,048
// characters is fetched like any other, and one past the receive path's
// bound (conversation.MaxMediaRefLen) leaves out only its attachment,
// kept in the content as one not fetched, never the delivery.
func TestWebhookStoresAttachmentsWithLongURLs(t *testing.T) {
	cdn := func(n int) string {
		u := "https://scontent.xx.fbcdn.net/v/photo.jpg?oh="
		return u + strings.Repeat("a", n-len(u))
	}
	for _, tc := range []struct {
		name       string
		urls       []string
		wantType   string
		wantFetchs int
	}{
		{"a 3,000-character URL", []string{cdn(3000)}, "attachment", 1},
		{"a URL past the bound, then a short one", []string{cdn(conversation.MaxMediaRefLen + 1), cdn(200)}, "attachment", 1},
		{"a URL past the bound alone", []string{cdn(conversation.MaxMediaRefLen + 1)}, conversation.TypeUnsupported, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
				f := newHookFixture(t, d)
				var atts []string
				for _, u := range tc.urls {
					atts = append(atts, `{"type":"image","payload":{"url":"`+u+`"}}`)
				}
				body := []byte(`{"object":"page","entry":[{"id":"` + fxPage + `","time":1700000005000,"messaging":[{"sender":{"id":"` + fxPSID +
					`"},"recipient":{"id":"` + fxPage + `"},"timestamp":1700000000200,"message":{"mid":"m_long_url","attachments":[` +
					strings.Join(atts, ",") + `]}}]}]}`)
				status, answer := f.post(t, f.messenger, body, meta.Sign(testAppSecret, body))
				if status != http.StatusOK {
					t.Fatalf("status %d: %.300s", status, answer)
				}
				var out struct{ Results []conversation.Received }
				json.Unmarshal([]byte(answer), &out)
				if len(out.Results) != 1 || out.Results[0].MessageID == 0 {
					t.Fatalf("results %.300s", answer)
				}
				m, err := f.convs.GetMessage(context.Background(), access.System(f.ws.ID), out.Results[0].MessageID)
				if err != nil {
					t.Fatal(err)
				}
				if m.Type != tc.wantType {
					t.Errorf("type %q, want %q", m.Type, tc.wantType)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches`); n != tc.wantFetchs {
					t.Errorf("%d media fetches, want %d", n, tc.wantFetchs)
				}
			})
		})
	}
}
