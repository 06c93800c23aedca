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
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// twilioAPI is an httptest server speaking the Messages API: it records
// each request and answers with the status and body given.
type twilioAPI struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	status   int
	header   http.Header
	body     []byte
}

type recorded struct {
	method, path, user, pass string
	form                     url.Values
}

func newTwilioAPI(t *testing.T, status int, body []byte) *twilioAPI {
	api := &twilioAPI{status: status, body: body, header: http.Header{}}
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		user, pass, _ := r.BasicAuth()
		api.mu.Lock()
		api.requests = append(api.requests, recorded{r.Method, r.URL.Path, user, pass, form})
		api.mu.Unlock()
		for k, v := range api.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(api.status)
		w.Write(api.body)
	}))
	t.Cleanup(api.Close)
	return api
}

func (a *twilioAPI) last(t *testing.T) recorded {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.requests) == 0 {
		t.Fatal("no request reached the API")
	}
	return a.requests[len(a.requests)-1]
}

// A send is one POST to the account's Messages.json with basic auth and
// Twilio's form fields; the answer's sid is the provider id.
func TestSendRequest(t *testing.T) {
	const sid = "SM5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"
	long := strings.Repeat("a", 200)
	tests := []struct {
		name     string
		public   string
		mutate   func(*Config)
		msg      conversation.Message
		want     url.Values
		callback string
	}{
		{"text from the number", "https://sb.example.com", nil,
			conversation.Message{ID: 1, Type: "text", Text: "Hello from Switchboard"},
			url.Values{"To": {"+16505551199"}, "From": {testFrom}, "Body": {"Hello from Switchboard"}},
			"https://sb.example.com/webhooks/twilio/7/status?encoding=GSM-7&segments=1"},
		{"long text through a Messaging Service", "https://sb.example.com", func(c *Config) { c.MessagingServiceSID = testService },
			conversation.Message{ID: 2, Type: "text", Text: long},
			url.Values{"To": {"+16505551199"}, "MessagingServiceSid": {testService}, "Body": {long}},
			"https://sb.example.com/webhooks/twilio/7/status?encoding=GSM-7&segments=2"},
		{"quick replies as numbered lines, status to the tunnel", "https://sb.example.com", func(c *Config) { c.WebhookBaseURL = "https://tunnel.example.net" },
			conversation.Message{ID: 3, Type: "quick_reply", Text: "What do you need?",
				Content: json.RawMessage(`{"type":"quick_reply","text":"What do you need?","replies":["Sales","Support",{"title":"Billing"}]}`)},
			url.Values{"To": {"+16505551199"}, "From": {testFrom}, "Body": {"What do you need?\n1. Sales\n2. Support\n3. Billing"}},
			"https://tunnel.example.net/webhooks/twilio/7/status?encoding=GSM-7&segments=1"},
		{"Ask a Question's text already numbers its options: not twice", "", nil,
			conversation.Message{ID: 7, Type: "quick_reply", Text: "What can we help you with?\n1. Sales\n2. Support",
				Content: json.RawMessage(`{"type":"quick_reply","text":"What can we help you with?\n1. Sales\n2. Support","replies":["Sales","Support"]}`)},
			url.Values{"To": {"+16505551199"}, "From": {testFrom}, "Body": {"What can we help you with?\n1. Sales\n2. Support"}},
			""},
		{"composer attachment as MediaUrl, no public URL: no callback", "", nil,
			conversation.Message{ID: 4, Type: "attachment", Text: "Your invoice",
				Content: json.RawMessage(`{"attachment":{"type":"file","url":"https://files.example.com/media/9/k","media_id":"9"}}`)},
			url.Values{"To": {"+16505551199"}, "From": {testFrom}, "Body": {"Your invoice"}, "MediaUrl": {"https://files.example.com/media/9/k"}},
			""},
		{"workflow attachments, MediaUrl repeated, no text", "", nil,
			conversation.Message{ID: 5, Type: "attachment",
				Content: json.RawMessage(`{"type":"attachment","attachments":[{"type":"image","url":"https://x.example.com/a.jpg"},{"type":"image","url":"https://x.example.com/b.jpg"}]}`)},
			url.Values{"To": {"+16505551199"}, "From": {testFrom}, "MediaUrl": {"https://x.example.com/a.jpg", "https://x.example.com/b.jpg"}},
			""},
		{"emoji: UCS-2", "https://sb.example.com", nil,
			conversation.Message{ID: 6, Text: "Merci 👋"},
			url.Values{"To": {"+16505551199"}, "From": {testFrom}, "Body": {"Merci 👋"}},
			"https://sb.example.com/webhooks/twilio/7/status?encoding=UCS-2&segments=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
			p := New(channeltest.LoopbackClient(), tt.public)
			var mutate []func(*Config)
			if tt.mutate != nil {
				mutate = append(mutate, tt.mutate)
			}
			id, err := p.Send(context.Background(), testChannel(api.URL, mutate...), "+16505551199", tt.msg)
			if err != nil || id != sid {
				t.Fatalf("Send = %q, %v", id, err)
			}
			r := api.last(t)
			if r.method != http.MethodPost || r.path != "/2010-04-01/Accounts/"+testAccount+"/Messages.json" || r.user != testAccount || r.pass != testToken {
				t.Errorf("request %s %s as %s:%s", r.method, r.path, r.user, r.pass)
			}
			if cb := r.form.Get("StatusCallback"); cb != tt.callback {
				t.Errorf("StatusCallback %q, want %q", cb, tt.callback)
			}
			r.form.Del("StatusCallback")
			if r.form.Encode() != tt.want.Encode() {
				t.Errorf("form\n%v\nwant\n%v", r.form, tt.want)
			}
		})
	}
}

// Twilio's errors: a 4xx body fails the message with Twilio's message and
// code; 429 is retried after Retry-After; 5xx and a 2xx without a sid are
// retried.
func TestSendErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       []byte
		retryAfter string
		permanent  bool
		reason     string
		delay      time.Duration
	}{
		{"invalid To (21211)", http.StatusBadRequest, fixtureBytes(t, "error_21211.json"), "", true,
			"The 'To' number +1555 is not a valid phone number. (Twilio error 21211)", 0},
		{"wrong credentials (20003)", http.StatusUnauthorized, fixtureBytes(t, "error_20003.json"), "", true, "Authenticate (Twilio error 20003)", 0},
		{"a 4xx without Twilio's body", http.StatusNotFound, []byte("<html>nope</html>"), "", true, "HTTP 404 Not Found", 0},
		{"429 with Retry-After", http.StatusTooManyRequests, fixtureBytes(t, "error_20429.json"), "7", false, "", 7 * time.Second},
		{"429 without", http.StatusTooManyRequests, fixtureBytes(t, "error_20429.json"), "", false, "", 0},
		{"500", http.StatusInternalServerError, []byte(`{"code": 20500, "message": "Internal Server Error", "status": 500}`), "", false, "", 0},
		{"503 with Retry-After", http.StatusServiceUnavailable, nil, "30", false, "", 30 * time.Second},
		{"201 without a sid", http.StatusCreated, []byte(`{}`), "", false, "", 0},
		// The sender's queue is full: Twilio refuses new messages until it
		// drains, and the same message goes through later.
		{"400 queue full (21611)", http.StatusBadRequest, []byte(`{"code": 21611, "message": "This 'From' number has exceeded the maximum number of queued messages", ` +
			`"more_info": "https://www.twilio.com/docs/errors/21611", "status": 400}`), "", false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newTwilioAPI(t, tt.status, tt.body)
			if tt.retryAfter != "" {
				api.header.Set("Retry-After", tt.retryAfter)
			}
			_, err := New(channeltest.LoopbackClient(), "").Send(context.Background(), testChannel(api.URL), "+1555", conversation.Message{ID: 9, Text: "hi"})
			if err == nil {
				t.Fatal("no error")
			}
			if outbound.IsPermanent(err) != tt.permanent {
				t.Fatalf("permanent = %v: %v", outbound.IsPermanent(err), err)
			}
			if tt.permanent && outbound.Reason(err) != tt.reason {
				t.Errorf("reason %q, want %q", outbound.Reason(err), tt.reason)
			}
			delay, ok := outbound.RetryAfter(err)
			if ok != (tt.delay > 0) || delay != tt.delay {
				t.Errorf("retry after %v %v, want %v", delay, ok, tt.delay)
			}
		})
	}
}

// What cannot be sent fails before any call: no account, a relative
// attachment URL, a message with nothing to send; an API base URL on a
// private address the node's guard refuses fails for good.
func TestSendRefusedLocally(t *testing.T) {
	api := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
	p := New(channeltest.LoopbackClient(), "")
	noToken := testChannel(api.URL)
	noToken.SecretConfig = nil
	for _, tt := range []struct {
		name string
		ch   channel.Channel
		msg  conversation.Message
	}{
		{"no auth token", noToken, conversation.Message{Text: "hi"}},
		{"relative attachment URL", testChannel(api.URL), conversation.Message{Type: "attachment",
			Content: json.RawMessage(`{"attachment":{"type":"image","url":"/media/1/k"}}`)}},
		{"nothing to send", testChannel(api.URL), conversation.Message{Type: "location", Content: json.RawMessage(`{"lat":1}`)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := p.Send(context.Background(), tt.ch, "+1555", tt.msg); !outbound.IsPermanent(err) {
				t.Errorf("err = %v, want permanent", err)
			}
		})
	}
	if n := len(api.requests); n != 0 {
		t.Errorf("%d requests reached the API", n)
	}
	guarded := New(nil, "") // the default guard: no private network
	if _, err := guarded.Send(context.Background(), testChannel(api.URL), "+1555", conversation.Message{Text: "hi"}); !outbound.IsPermanent(err) ||
		!strings.Contains(outbound.Reason(err), "API base URL") {
		t.Errorf("private API base: %v", err)
	}
}
