package line

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
)

// Credentials of test channels, shaped like LINE's.
const (
	testSecret = "8c570fa6dd201bb328f1c1eac23a96d8"
	testToken  = "lKVc3X8dv2Q3+h1RFpSgTnz4rLyDZGS/8kdVqz9N7YJMhhbjyqVh7F0xHTNyNZLpnfVxd4wMg7A8qsi6lJb2Tzgl6fGMOQdB04t89/1O/w1cDnyilFU="
)

// lineAPI is an httptest pair speaking the Messaging API for one
// channel: api.line.me's endpoints on api, api-data.line.me's on data.
// It checks the Bearer token of every request, records every call and
// answers with what the test queued per "METHOD path", else with a
// documented success. Pushes are idempotent by their retry key, as
// LINE's are: a key already accepted is answered 409.
type lineAPI struct {
	t         *testing.T
	api, data *httptest.Server

	mu       sync.Mutex
	calls    []apiCall
	answers  map[string][]apiAnswer
	accepted map[string][]string // retry key → the ids of the messages it pushed
	files    map[string]string   // message id → the bytes of its content
	webhook  string              // the endpoint last set
	nextID   int64
}

// apiCall is one request the channel made.
type apiCall struct {
	Method, Path string
	RetryKey     string
	Body         map[string]any // the JSON body, nil without one
}

// apiAnswer is a queued answer; accept makes a push take its retry key
// before answering (LINE took it, the answer went wrong).
type apiAnswer struct {
	status int
	body   string
	accept bool
}

func newLineAPI(t *testing.T) *lineAPI {
	a := &lineAPI{t: t, answers: map[string][]apiAnswer{}, accepted: map[string][]string{}, files: map[string]string{},
		nextID: 480000000000000000}
	a.api = httptest.NewServer(http.HandlerFunc(a.serve))
	a.data = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.api.Close)
	t.Cleanup(a.data.Close)
	return a
}

// config is a LINE channel configuration pointing at the fake.
func (a *lineAPI) config() Config {
	return Config{ChannelSecret: testSecret, ChannelAccessToken: testToken, APIBaseURL: a.api.URL, DataAPIBaseURL: a.data.URL}
}

// channel is a stored LINE channel of this fake, its secrets sealed apart.
func (a *lineAPI) channel() channel.Channel {
	cfg, _ := json.Marshal(Config{APIBaseURL: a.api.URL, DataAPIBaseURL: a.data.URL})
	return channel.Channel{ID: 7, WorkspaceID: 3, Type: Type, Config: cfg,
		SecretConfig: map[string]string{fieldChannelSecret: testSecret, fieldAccessToken: testToken}}
}

// provider is a Provider whose guarded client may reach the fake.
func (a *lineAPI) provider() *Provider { return New(channeltest.LoopbackClient()) }

// queue makes the next call of "METHOD path" answer status and body.
func (a *lineAPI) queue(route string, status int, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answers[route] = append(a.answers[route], apiAnswer{status: status, body: body})
}

// queueAccepted makes the next push take its retry key, then answer
// status and body: LINE sent the messages, the answer was lost.
func (a *lineAPI) queueAccepted(status int, body string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answers["POST /v2/bot/message/push"] = append(a.answers["POST /v2/bot/message/push"], apiAnswer{status: status, body: body, accept: true})
}

// made returns the calls made so far.
func (a *lineAPI) made() []apiCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]apiCall(nil), a.calls...)
}

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (a *lineAPI) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Line-Request-Id", "f70dd685-499a-4231-a441-f24b8d4fba21")
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`)
		return
	}
	call := apiCall{Method: r.Method, Path: r.URL.Path, RetryKey: r.Header.Get(RetryKeyHeader)}
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			a.t.Errorf("%s %s sent with Content-Type %q", r.Method, r.URL.Path, ct)
		}
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &call.Body); err != nil {
			a.t.Errorf("%s %s: body %q: %v", r.Method, r.URL.Path, raw, err)
		}
	}
	route := r.Method + " " + r.URL.Path
	a.mu.Lock()
	a.calls = append(a.calls, call)
	var ans *apiAnswer
	if q := a.answers[route]; len(q) > 0 {
		ans, a.answers[route] = &q[0], q[1:]
	}
	a.mu.Unlock()

	if route == "POST /v2/bot/message/push" {
		a.push(w, call, ans)
		return
	}
	if ans != nil {
		w.WriteHeader(ans.status)
		io.WriteString(w, ans.body)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case route == "PUT /v2/bot/channel/webhook/endpoint":
		a.webhook, _ = call.Body["endpoint"].(string)
		io.WriteString(w, `{}`)
	case route == "GET /v2/bot/channel/webhook/endpoint":
		json.NewEncoder(w).Encode(map[string]any{"endpoint": a.webhook, "active": true})
	case route == "GET /v2/bot/info":
		io.WriteString(w, `{"userId":"Uf1a9c3b85d7e4a2c6b0e8d94f3a7c215","basicId":"@216ruvmf","displayName":"Acme Support","pictureUrl":"https://profile.line-scdn.net/0hxxxx","chatMode":"bot","markAsReadMode":"auto"}`)
	case strings.HasPrefix(route, "GET /v2/bot/profile/"):
		id := strings.TrimPrefix(route, "GET /v2/bot/profile/")
		json.NewEncoder(w).Encode(map[string]any{"displayName": "Ada Lovelace", "userId": id, "language": "en",
			"pictureUrl": "https://profile.line-scdn.net/ch/v2/p/uf9da5ee2b", "statusMessage": "Hello, LINE!"})
	case strings.HasPrefix(route, "GET /v2/bot/group/") && strings.HasSuffix(route, "/summary"):
		id := strings.TrimSuffix(strings.TrimPrefix(route, "GET /v2/bot/group/"), "/summary")
		json.NewEncoder(w).Encode(map[string]any{"groupId": id, "groupName": "Acme Team", "pictureUrl": "https://profile.line-scdn.net/abcdefghijklmn"})
	case route == "POST /v2/bot/chat/loading/start":
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{}`)
	case strings.HasPrefix(route, "GET /v2/bot/message/") && strings.HasSuffix(route, "/content/transcoding"):
		io.WriteString(w, `{"status":"succeeded"}`)
	case strings.HasPrefix(route, "GET /v2/bot/message/") && strings.HasSuffix(route, "/content"):
		id := strings.TrimSuffix(strings.TrimPrefix(route, "GET /v2/bot/message/"), "/content")
		body, ok := a.files[id]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"Not found"}`)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		io.WriteString(w, body)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not found"}`)
	}
}

// push answers a push as LINE does: 409 for a retry key already
// accepted, else the queued answer, else the ids of the messages sent.
func (a *lineAPI) push(w http.ResponseWriter, call apiCall, ans *apiAnswer) {
	if !uuidShape.MatchString(call.RetryKey) {
		a.t.Errorf("push with retry key %q, not a hexadecimal UUID", call.RetryKey)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if ids, ok := a.accepted[call.RetryKey]; ok {
		w.Header().Set("X-Line-Accepted-Request-Id", "e0be1aa7-4ff9-4b66-9a38-fa6e4e8b4d0b")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"message":"The retry key is already accepted","sentMessages":`+sentMessages(ids)+`}`)
		return
	}
	if ans != nil && !ans.accept {
		w.WriteHeader(ans.status)
		io.WriteString(w, ans.body)
		return
	}
	msgs, _ := call.Body["messages"].([]any)
	var ids []string
	for range msgs {
		a.nextID++
		ids = append(ids, fmt.Sprint(a.nextID))
	}
	a.accepted[call.RetryKey] = ids
	if ans != nil {
		w.WriteHeader(ans.status)
		io.WriteString(w, ans.body)
		return
	}
	io.WriteString(w, `{"sentMessages":`+sentMessages(ids)+`}`)
}

func sentMessages(ids []string) string {
	var out []map[string]string
	for _, id := range ids {
		out = append(out, map[string]string{"id": id, "quoteToken": "IStG5h1Tz7b" + id[len(id)-4:]})
	}
	b, _ := json.Marshal(out)
	return string(b)
}
