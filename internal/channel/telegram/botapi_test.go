package telegram

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

// botAPI is an httptest server speaking the Bot API for one bot: it
// records every call and answers with what the test queued per method,
// else with a documented success.
type botAPI struct {
	t     *testing.T
	srv   *httptest.Server
	token string // the bot's token, which every URL must carry

	mu      sync.Mutex
	calls   []botCall
	answers map[string][]botAnswer
	files   map[string]string // file_path → bytes served under /file/bot<token>/
	nextID  int64
	// hold, when set, runs before a method is answered (Telegram still
	// fetching a file).
	hold func(method string)
}

// botCall is one request the bot made.
type botCall struct {
	Method string
	Params map[string]any
}

// botAnswer is a queued answer: an HTTP status and a body.
type botAnswer struct {
	status int
	body   string
}

func newBotAPI(t *testing.T) *botAPI { return newBotAPIOf(t, testBotToken) }

// newBotAPIOf is the Bot API of the bot whose token is token.
func newBotAPIOf(t *testing.T, token string) *botAPI {
	b := &botAPI{t: t, token: token, answers: map[string][]botAnswer{}, files: map[string]string{}, nextID: 5000}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

// channel is a Telegram channel of this bot.
func (b *botAPI) channel() channel.Channel {
	cfg, _ := json.Marshal(Config{APIBaseURL: b.srv.URL})
	return channel.Channel{ID: 7, WorkspaceID: 3, Type: Type, Config: cfg, Token: "s3cr3t-Token_of-the-channel",
		SecretConfig: map[string]string{"bot_token": testBotToken}}
}

// provider is a Provider allowed to reach the test server.
func (b *botAPI) provider() *Provider { return New(b.srv.Client()) }

// queue makes the next call of method answer status and body.
func (b *botAPI) queue(method string, status int, body string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.answers[method] = append(b.answers[method], botAnswer{status, body})
}

// made returns the calls made so far.
func (b *botAPI) made() []botCall {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]botCall(nil), b.calls...)
}

func (b *botAPI) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+b.token+"/"); ok {
		b.mu.Lock()
		body, found := b.files[rest]
		b.mu.Unlock()
		if !found {
			http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, body)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+b.token+"/")
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	params := map[string]any{}
	switch ct := r.Header.Get("Content-Type"); {
	case r.Method != http.MethodPost:
	case strings.HasPrefix(ct, "multipart/form-data"):
		// An upload: fields are strings or JSON, as the Bot API reads
		// them; the file is recorded as "upload:<name>:<bytes>".
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			b.t.Errorf("%s: multipart body: %v", method, err)
		}
		for k, vs := range r.MultipartForm.Value {
			var v any
			if json.Unmarshal([]byte(vs[0]), &v) != nil {
				v = vs[0]
			}
			params[k] = v
		}
		for k, fs := range r.MultipartForm.File {
			f, _ := fs[0].Open()
			raw, _ := io.ReadAll(f)
			f.Close()
			params[k] = "upload:" + fs[0].Filename + ":" + string(raw)
		}
	case ct == "application/json":
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &params); err != nil {
			b.t.Errorf("%s: body %q: %v", method, raw, err)
		}
	default:
		b.t.Errorf("%s sent with Content-Type %q", method, ct)
	}
	if b.hold != nil {
		b.hold(method)
	}
	b.mu.Lock()
	b.calls = append(b.calls, botCall{Method: method, Params: params})
	var a *botAnswer
	if q := b.answers[method]; len(q) > 0 {
		a, b.answers[method] = &q[0], q[1:]
	}
	b.nextID++
	id := b.nextID
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if a != nil {
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
		return
	}
	switch method {
	case "getMe":
		io.WriteString(w, `{"ok":true,"result":{"id":7000000001,"is_bot":true,"first_name":"Acme Support","username":"acme_support_bot","can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}`)
	case "setWebhook":
		io.WriteString(w, `{"ok":true,"result":true,"description":"Webhook was set"}`)
	case "sendChatAction":
		io.WriteString(w, `{"ok":true,"result":true}`)
	case "getFile":
		io.WriteString(w, `{"ok":true,"result":{"file_id":"`+params["file_id"].(string)+`","file_unique_id":"AQADlarge","file_size":81563,"file_path":"photos/file_0.jpg"}}`)
	default: // a send: the Message sent
		chat, _ := json.Marshal(params["chat_id"])
		io.WriteString(w, `{"ok":true,"result":{"message_id":`+jsonInt(id)+`,"from":{"id":7000000001,"is_bot":true,"first_name":"Acme Support","username":"acme_support_bot"},"chat":{"id":`+string(chat)+`,"first_name":"Ada","type":"private"},"date":1441646000}}`)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
