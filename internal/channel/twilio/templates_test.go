package twilio

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// contentAPI serves GET /v1/ContentAndApprovals as Twilio's Content API
// does, in two pages, each next_page_url under next (its own address
// unless a test says otherwise), and records the credentials it was
// called with.
func contentAPI(t *testing.T, next func(self string) string) *httptest.Server {
	var mu sync.Mutex
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		if r.URL.Path != "/v1/ContentAndApprovals" || user != testAccount || pass != testToken {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(fixtureBytes(t, "error_20003.json"))
			return
		}
		mu.Lock()
		defer mu.Unlock()
		page := "content_page1.json"
		if r.URL.Query().Get("PageToken") == "PTabc" {
			page = "content_page2.json"
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(strings.ReplaceAll(string(fixtureBytes(t, page)), "NEXT_BASE", next(srv.URL))))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A WhatsApp channel's templates are its account's Content templates,
// every page: named by their friendly name, with WhatsApp's status
// (UNSUBMITTED before it was asked), the body of their first content type
// that has one, a parameter per variable wherever it stands, and their
// Content SID to send them by. Credentials never follow a page link off
// the Content API's host.
func TestSyncContentTemplates(t *testing.T) {
	api := contentAPI(t, func(self string) string { return self })
	p := New(channeltest.LoopbackClient(), "")
	list, err := p.SyncTemplates(context.Background(), testChannel(api.URL, whatsApp))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name, lang, status, category, body, ref string
		params                                  int
	}
	var got []row
	for _, tpl := range list {
		got = append(got, row{tpl.Name, tpl.Language, tpl.Status, tpl.Category, tpl.Body, tpl.Ref, tpl.Params})
		if !json.Valid(tpl.Components) {
			t.Errorf("%s: components %s", tpl.Name, tpl.Components)
		}
	}
	want := []row{
		{"order_shipped", "en", "APPROVED", "UTILITY", "Hi {{1}}, order {{2}} is on its way.", "HX1111111111111111111111111111111a", 2},
		{"follow_up", "fr", "PENDING", "MARKETING", "Bonjour {{1}}, tout est réglé ?", "HX2222222222222222222222222222222b", 1},
		{"delivery_card", "en", "REJECTED", "UTILITY", "Order {{1}} delivered", "HX3333333333333333333333333333333c", 2},
		{"draft_only", "en", "UNSUBMITTED", "", "Not submitted", "HX4444444444444444444444444444444d", 0},
	}
	if len(got) != len(want) {
		t.Fatalf("templates %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("template %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	elsewhere := contentAPI(t, func(string) string { return "https://elsewhere.example.com" })
	if _, err := p.SyncTemplates(context.Background(), testChannel(elsewhere.URL, whatsApp)); err == nil || !strings.Contains(err.Error(), "leaves the Content API's host") {
		t.Errorf("a next page on another host: %v", err)
	}
	bad := testChannel(api.URL, whatsApp)
	bad.SecretConfig = map[string]string{"auth_token": "wrong"}
	if _, err := p.SyncTemplates(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "20003") {
		t.Errorf("a wrong token: %v, want Twilio's error 20003", err)
	}
}

// Only WhatsApp channels have templates; Twilio's own API is the Content
// API's default, a proxy's address serves both.
func TestTemplatesFollowTheMedium(t *testing.T) {
	p := New(nil, "")
	if !p.HasTemplates(testChannel(DefaultAPIBaseURL, whatsApp)) || p.HasTemplates(testChannel(DefaultAPIBaseURL)) {
		t.Error("HasTemplates: want WhatsApp's channels only")
	}
	if b := contentBase(Config{APIBaseURL: DefaultAPIBaseURL}); b != DefaultContentBaseURL {
		t.Errorf("content base %q", b)
	}
	if b := contentBase(Config{APIBaseURL: "https://twilio-proxy.example.com"}); b != "https://twilio-proxy.example.com" {
		t.Errorf("content base through a proxy %q", b)
	}
}

// A template goes to Twilio as its ContentSid with its values as
// ContentVariables ({{1}}, {{2}}… by number; a named template's by name),
// without a body; an SMS channel and a template without a SID are refused
// before Twilio is called.
func TestSendContentTemplate(t *testing.T) {
	tpl := func(content string) conversation.Message {
		return conversation.Message{ID: 9, Type: conversation.MessageTypeTemplate, Text: "Hi Amaka, order A-1042 is on its way.", Content: json.RawMessage(content)}
	}
	tests := []struct {
		name string
		msg  conversation.Message
		want url.Values
	}{
		{"numbered", tpl(`{"type":"template","name":"order_shipped","language":"en","params":["Amaka","A-1042"],"ref":"HX1111111111111111111111111111111a"}`),
			url.Values{"To": {"whatsapp:+2348031234567"}, "From": {"whatsapp:" + testFrom}, "ContentSid": {"HX1111111111111111111111111111111a"},
				"ContentVariables": {`{"1":"Amaka","2":"A-1042"}`}}},
		{"named", tpl(`{"type":"template","name":"greet","language":"en","params":{"first_name":"Amaka"},"ref":"HX5"}`),
			url.Values{"To": {"whatsapp:+2348031234567"}, "From": {"whatsapp:" + testFrom}, "ContentSid": {"HX5"}, "ContentVariables": {`{"first_name":"Amaka"}`}}},
		{"no parameter", tpl(`{"type":"template","name":"hello","language":"en","params":[],"ref":"HX6"}`),
			url.Values{"To": {"whatsapp:+2348031234567"}, "From": {"whatsapp:" + testFrom}, "ContentSid": {"HX6"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
			if _, err := New(channeltest.LoopbackClient(), "").Send(context.Background(), testChannel(api.URL, whatsApp), "+2348031234567", tt.msg); err != nil {
				t.Fatal(err)
			}
			if got := api.last(t).form; got.Encode() != tt.want.Encode() {
				t.Errorf("form\n%v\nwant\n%v", got, tt.want)
			}
		})
	}

	api := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
	for name, tc := range map[string]struct {
		ch  channel.Channel
		msg conversation.Message
	}{
		"on SMS":   {testChannel(api.URL), tests[0].msg},
		"no SID":   {testChannel(api.URL, whatsApp), tpl(`{"type":"template","name":"order_shipped","language":"en","params":["Amaka"]}`)},
		"not JSON": {testChannel(api.URL, whatsApp), tpl(`nope`)},
	} {
		if _, err := New(channeltest.LoopbackClient(), "").Send(context.Background(), tc.ch, "+2348031234567", tc.msg); !outbound.IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent refusal", name, err)
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.requests) != 0 {
		t.Errorf("%d requests reached Twilio for refused templates", len(api.requests))
	}
}

// The whole way on both stores: a WhatsApp channel's Content templates
// are synced and kept with their SID; a template message is checked and
// rendered against them with the SID in its content, which the send
// gives Twilio as its ContentSid. An SMS channel of the same account has
// no templates to sync or send.
func TestContentTemplateFromSyncToSend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var both *httptest.Server
		content := contentAPI(t, func(string) string { return both.URL }) // its pages link to the proxy's address
		messages := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
		// One address for both of Twilio's APIs, as a proxy would serve them.
		both = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			target := messages.URL
			if strings.HasPrefix(r.URL.Path, "/v1/") {
				target = content.URL
			}
			req, _ := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
			req.Header = r.Header.Clone()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
		}))
		t.Cleanup(both.Close)

		p := New(channeltest.LoopbackClient(), "")
		channels := channeltest.Service(t, d, p)
		ws := channeltest.Workspace(t, d)
		mk := func(name, medium string) channel.Channel {
			raw, _ := json.Marshal(map[string]string{"medium": medium, "account_sid": testAccount, "auth_token": testToken, "from": testFrom, "api_base_url": both.URL})
			ch, err := channels.Create(ctx, ws.ID, channel.Input{Type: Type, Name: name, Config: raw})
			if err != nil {
				t.Fatal(err)
			}
			return ch
		}
		wa, sms := mk("WhatsApp", MediumWhatsApp), mk("SMS", MediumSMS)
		if !wa.Templates || sms.Templates {
			t.Fatalf("templates: WhatsApp %v, SMS %v; want the WhatsApp channel's alone", wa.Templates, sms.Templates)
		}
		if _, err := channels.SyncTemplates(ctx, ws.ID, wa.ID); err != nil {
			t.Fatal(err)
		}
		list, err := channels.Templates(ctx, ws.ID, wa.ID)
		if err != nil || len(list) != 4 || list[3].Name != "order_shipped" || list[3].Ref != "HX1111111111111111111111111111111a" {
			t.Fatalf("stored templates %+v, %v; want four, order_shipped with its SID", list, err)
		}
		if _, err := channels.SyncTemplates(ctx, ws.ID, sms.ID); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("syncing an SMS channel: %v, want a refusal", err)
		}

		var rendered json.RawMessage
		var text string
		ask := json.RawMessage(`{"type":"template","name":"order_shipped","language":"en","params":["Amaka","A-1042"]}`)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			rendered, text, err = channels.TemplateMessageTx(ctx, tx, ws.ID, wa.ID, ask)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if text != "Hi Amaka, order A-1042 is on its way." || !strings.Contains(string(rendered), `"ref":"HX1111111111111111111111111111111a"`) {
			t.Fatalf("rendered %s %q", rendered, text)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, _, err := channels.TemplateMessageTx(ctx, tx, ws.ID, sms.ID, ask)
			if apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("a template on SMS: %v, want a refusal", err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		stored, err := channels.Get(ctx, ws.ID, wa.ID)
		if err != nil {
			t.Fatal(err)
		}
		msg := conversation.Message{ID: 1, Type: conversation.MessageTypeTemplate, Text: text, Content: rendered}
		if _, err := p.Send(ctx, stored, "+2348031234567", msg); err != nil {
			t.Fatal(err)
		}
		got := messages.last(t).form
		if got.Get("ContentSid") != "HX1111111111111111111111111111111a" || got.Get("ContentVariables") != `{"1":"Amaka","2":"A-1042"}` || got.Has("Body") {
			t.Errorf("sent %v; want the template by its SID and values, no body", got)
		}
	})
}
