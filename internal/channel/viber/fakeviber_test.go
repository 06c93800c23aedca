package viber

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

// testAuthToken is the authentication token of test channels, shaped
// like Viber's.
const testAuthToken = "445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9"

// fakeViber is an httptest server speaking the REST Bot API for one bot:
// it checks what Viber checks (POST, JSON, the X-Viber-Auth-Token),
// records every call and answers with what the test queued per method,
// else with the documented success. Its set_webhook checks the URL as
// Viber does: it posts the signed "webhook" callback there and refuses
// the URL (status 1, invalidUrl) unless the answer is a 200.
type fakeViber struct {
	t     *testing.T
	srv   *httptest.Server
	token string

	mu      sync.Mutex
	calls   []apiCall
	answers map[string][]apiAnswer
	media   map[string]string // path under /media/ → bytes
	webhook string            // the URL set_webhook last set
	checked []int             // the statuses the webhook's check got
	nextTok int64
	// signWith, when set, signs the webhook's check with another key
	// than the bot's token.
	signWith string
}

// apiCall is one request the bot made: the method (after /pa/) and the
// JSON body.
type apiCall struct {
	Method string
	Body   map[string]any
}

// apiAnswer is a queued answer: an HTTP status, a body and a
// Retry-After ("": none).
type apiAnswer struct {
	status     int
	body       string
	retryAfter string
}

func newFakeViber(t *testing.T) *fakeViber { return newFakeViberOf(t, testAuthToken) }

// newFakeViberOf is the API of the bot whose token is token.
func newFakeViberOf(t *testing.T, token string) *fakeViber {
	v := &fakeViber{t: t, token: token, answers: map[string][]apiAnswer{}, media: map[string]string{}, nextTok: 5741311803571721087}
	v.srv = httptest.NewServer(http.HandlerFunc(v.serve))
	t.Cleanup(v.srv.Close)
	return v
}

// channel is a Viber channel of this bot, as the store hands it over.
func (v *fakeViber) channel() channel.Channel {
	cfg, _ := json.Marshal(Config{SenderName: "Acme Support", SenderAvatar: "https://acme.example.com/avatar.jpg", APIBaseURL: v.srv.URL})
	return channel.Channel{ID: 7, WorkspaceID: 3, Type: Type, Config: cfg, SecretConfig: map[string]string{"auth_token": v.token}}
}

// provider is a Provider allowed to reach the test servers.
func (v *fakeViber) provider() *Provider { return New(v.srv.Client()) }

// queue makes the next call of method answer status and body.
func (v *fakeViber) queue(method string, status int, body string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.answers[method] = append(v.answers[method], apiAnswer{status: status, body: body})
}

// queueRetryAfter queues an answer with a Retry-After header.
func (v *fakeViber) queueRetryAfter(method string, status int, body, retryAfter string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.answers[method] = append(v.answers[method], apiAnswer{status, body, retryAfter})
}

// hook returns the webhook set and the statuses its checks got.
func (v *fakeViber) hook() (string, []int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.webhook, append([]int(nil), v.checked...)
}

// setHook makes the bot's webhook url, as if set elsewhere.
func (v *fakeViber) setHook(url string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.webhook = url
}

// signChecksWith makes the webhook's checks signed with key.
func (v *fakeViber) signChecksWith(key string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.signWith = key
}

// made returns the calls made so far.
func (v *fakeViber) made() []apiCall {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]apiCall(nil), v.calls...)
}

func (v *fakeViber) serve(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/media/"); ok {
		v.mu.Lock()
		body, found := v.media[name]
		v.mu.Unlock()
		if !found {
			http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", http.StatusForbidden)
			return
		}
		if r.Header.Get(AuthHeader) != "" {
			v.t.Errorf("the media download carried the auth token")
		}
		w.Header().Set("Content-Type", "image/jpeg")
		io.WriteString(w, body)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/pa/")
	if !ok || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	body := map[string]any{}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal(raw, &body) != nil {
		v.t.Errorf("%s: body %q (%s) is not a JSON object", method, raw, r.Header.Get("Content-Type"))
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get(AuthHeader) != v.token {
		io.WriteString(w, `{"status":2,"status_message":"invalidAuthToken"}`)
		return
	}
	v.mu.Lock()
	v.calls = append(v.calls, apiCall{method, body})
	if q := v.answers[method]; len(q) > 0 {
		v.answers[method] = q[1:]
		v.mu.Unlock()
		if q[0].retryAfter != "" {
			w.Header().Set("Retry-After", q[0].retryAfter)
		}
		w.WriteHeader(q[0].status)
		io.WriteString(w, q[0].body)
		return
	}
	v.mu.Unlock()
	switch method {
	case "send_message":
		v.mu.Lock()
		tok := v.nextTok
		v.nextTok++
		v.mu.Unlock()
		fmt.Fprintf(w, `{"status":0,"status_message":"ok","message_token":%d,"chat_hostname":"SN-CHAT-05_","billing_status":1}`, tok)
	case "set_webhook":
		url, _ := body["url"].(string)
		if url != "" && !v.check(url) {
			io.WriteString(w, `{"status":1,"status_message":"Result[HttpRequest[POST `+url+`] error[Webhook check failed]]"}`)
			return
		}
		v.mu.Lock()
		v.webhook = url
		v.mu.Unlock()
		io.WriteString(w, `{"status":0,"status_message":"ok","chat_hostname":"SN-CHAT-12_","event_types":["subscribed","unsubscribed","conversation_started","delivered","seen","failed","message"]}`)
	case "get_account_info":
		v.mu.Lock()
		hook := v.webhook
		v.mu.Unlock()
		b, _ := json.Marshal(map[string]any{"status": 0, "status_message": "ok", "id": "pa:75346594275468546724",
			"name": "Acme Support", "uri": "acmesupport", "icon": "https://acme.example.com/icon.jpg", "category": "Business",
			"subcategory": "Support", "country": "GB", "webhook": hook, "event_types": []string{"delivered", "seen"}, "subscribers_count": 35})
		w.Write(b)
	default:
		io.WriteString(w, `{"status":3,"status_message":"badData"}`)
	}
}

// check posts the signed "webhook" callback to url, as Viber does within
// set_webhook, and reports whether it was answered 200.
func (v *fakeViber) check(url string) bool {
	body := []byte(`{"event":"webhook","timestamp":1663858877101,"chat_hostname":"SN-CHAT-03_","message_token":5753750845017966998}`)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	key := v.token
	v.mu.Lock()
	if v.signWith != "" {
		key = v.signWith
	}
	v.mu.Unlock()
	req.Header.Set(SignatureHeader, Sign(key, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	v.mu.Lock()
	v.checked = append(v.checked, resp.StatusCode)
	v.mu.Unlock()
	return resp.StatusCode == http.StatusOK
}
