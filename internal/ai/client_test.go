package ai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// provider is an OpenAI-compatible test server answering from a script:
// each request takes the next answer; every request body is kept.
type provider struct {
	*httptest.Server
	mu      sync.Mutex
	script  []answer
	bodies  []map[string]any
	headers []http.Header
}

type answer struct {
	status int
	header map[string]string
	body   string   // JSON answer
	chunks []string // SSE data lines, for a stream
}

func newProvider(t *testing.T, script ...answer) *provider {
	p := &provider{script: script}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		p.mu.Lock()
		p.bodies = append(p.bodies, body)
		p.headers = append(p.headers, r.Header.Clone())
		if len(p.script) == 0 {
			p.mu.Unlock()
			http.Error(w, `{"error":{"message":"script exhausted"}}`, 500)
			return
		}
		a := p.script[0]
		p.script = p.script[1:]
		p.mu.Unlock()
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		if a.chunks != nil {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, c := range a.chunks {
				fmt.Fprintf(w, "data: %s\n\n", c)
				w.(http.Flusher).Flush()
			}
			fmt.Fprint(w, "data: [DONE]\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(max(a.status, 200))
		io.WriteString(w, a.body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *provider) requests() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.bodies...)
}

func completion(content string, prompt, completionTokens int) answer {
	b, _ := json.Marshal(map[string]any{
		"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": content}, "finish_reason": "stop"}},
		"usage":   map[string]any{"prompt_tokens": prompt, "completion_tokens": completionTokens},
	})
	return answer{body: string(b)}
}

type env struct {
	svc    *ai.Service
	ws     int64
	waits  *[]time.Duration
	keys   *secret.Keyring
	clock  *clock.Fake
	d      *db.DB
	guardD *netguard.Guard
}

func newEnv(t *testing.T, d *db.DB) env {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(fake)
	w, err := workspace.New(d).Create(context.Background(), "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	var waits []time.Duration
	var mu sync.Mutex
	svc := ai.New(d, ai.Options{Keys: keys, Guard: guard, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return nil
	}})
	return env{svc: svc, ws: w.ID, waits: &waits, keys: keys, clock: fake, d: d, guardD: guard}
}

func str(s string) *string { return &s }

func (e env) configure(t *testing.T, p *provider, in ai.SettingsInput) ai.Model {
	t.Helper()
	in.BaseURL = str(p.URL + "/v1")
	if in.APIKey == nil {
		in.APIKey = str("sk-test-0123456789abcd")
	}
	if in.ChatModel == nil {
		in.ChatModel = str("gpt-test")
	}
	if _, err := e.svc.UpdateSettings(context.Background(), e.ws, in); err != nil {
		t.Fatal(err)
	}
	m, ok, err := e.svc.Model(context.Background(), e.ws)
	if err != nil || !ok {
		t.Fatalf("model: %v %v", ok, err)
	}
	return m
}

func TestSettingsSealKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		st, err := e.svc.Settings(ctx, e.ws)
		if err != nil || st.Configured || st.APIKeySet || st.Threshold != ai.DefaultThreshold {
			t.Fatalf("defaults: %+v %v", st, err)
		}
		if _, ok, _ := e.svc.Model(ctx, e.ws); ok {
			t.Fatal("a model with nothing configured")
		}
		st, err = e.svc.UpdateSettings(ctx, e.ws, ai.SettingsInput{BaseURL: str("https://api.example.com/v1/"),
			APIKey: str("sk-secret-key-WXYZ"), ChatModel: str("gpt-4o-mini")})
		if err != nil {
			t.Fatal(err)
		}
		if !st.APIKeySet || st.APIKeyLast4 != "WXYZ" || !st.Configured || st.BaseURL != "https://api.example.com/v1" {
			t.Fatalf("saved: %+v", st)
		}
		if b, _ := json.Marshal(st); strings.Contains(string(b), "sk-secret") {
			t.Fatalf("the key is in the JSON: %s", b)
		}
		var raw string
		if err := d.Reader().QueryRow(ctx, `SELECT api_key FROM ai_settings WHERE workspace_id = ?`, e.ws).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if !secret.IsSealed(raw) || strings.Contains(raw, "sk-secret") {
			t.Fatalf("stored key not sealed: %q", raw)
		}
		// Changing another field keeps the key; "" removes it.
		st, _ = e.svc.UpdateSettings(ctx, e.ws, ai.SettingsInput{MonthlyBudget: ptr64(1000)})
		if !st.APIKeySet || st.MonthlyBudget != 1000 {
			t.Fatalf("after budget: %+v", st)
		}
		st, _ = e.svc.UpdateSettings(ctx, e.ws, ai.SettingsInput{APIKey: str("")})
		if st.APIKeySet {
			t.Fatalf("after removal: %+v", st)
		}
		for _, in := range []ai.SettingsInput{
			{BaseURL: str("ftp://x")},
			{BaseURL: str("http://10.0.0.5:11434/v1")}, // private, not allowed by the operator
			{MonthlyBudget: ptr64(-1)},
			{Threshold: ptrF(1.5)},
			{APIKey: str("a\nb")},
		} {
			if _, err := e.svc.UpdateSettings(ctx, e.ws, in); err == nil {
				t.Errorf("%+v accepted", in)
			}
		}
		// The allowed range: a local model server on 127.0.0.1.
		if _, err := e.svc.UpdateSettings(ctx, e.ws, ai.SettingsInput{BaseURL: str("http://127.0.0.1:11434/v1")}); err != nil {
			t.Fatal(err)
		}
	})
}

func ptr64(n int64) *int64    { return &n }
func ptrF(f float64) *float64 { return &f }
func ptrB(b bool) *bool       { return &b }

func TestChatToolsAndUsage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t, completion("Hello there!", 12, 3), answer{body: `{"choices":[{"message":{"role":"assistant","content":"","tool_calls":[
			{"id":"call_1","type":"function","function":{"name":"assign_team","arguments":"{\"team\":\"Support\"}"}}]},"finish_reason":"tool_calls"}],
			"usage":{"prompt_tokens":40,"completion_tokens":9}}`})
		m := e.configure(t, p, ai.SettingsInput{})
		resp, err := m.Chat(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "hi"}}})
		if err != nil || resp.Content != "Hello there!" || resp.Usage.PromptTokens != 12 {
			t.Fatalf("chat: %+v %v", resp, err)
		}
		resp, err = m.Chat(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "a human please"}},
			Tools: []ai.Tool{{Name: "assign_team", Description: "Hand over", Parameters: json.RawMessage(`{"type":"object","properties":{"team":{"type":"string"}}}`)}}})
		if err != nil || len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Name != "assign_team" || resp.ToolCalls[0].Arguments != `{"team":"Support"}` || resp.FinishReason != "tool_calls" {
			t.Fatalf("tool call: %+v %v", resp, err)
		}
		reqs := p.requests()
		if reqs[0]["model"] != "gpt-test" || p.headers[0].Get("Authorization") != "Bearer sk-test-0123456789abcd" {
			t.Fatalf("request: %v %v", reqs[0], p.headers[0])
		}
		tools, _ := reqs[1]["tools"].([]any)
		if len(tools) != 1 || tools[0].(map[string]any)["type"] != "function" {
			t.Fatalf("tools sent: %v", reqs[1]["tools"])
		}
		u, err := e.svc.Usage(ctx, e.ws)
		if err != nil || u.Calls != 2 || u.PromptTokens != 52 || u.CompletionTokens != 12 || u.TotalTokens != 64 || u.Month != "2026-03" || u.Remaining != -1 {
			t.Fatalf("usage: %+v %v", u, err)
		}
		// A new month starts from zero.
		e.clock.Advance(31 * 24 * time.Hour)
		if u, _ := e.svc.Usage(ctx, e.ws); u.TotalTokens != 0 || u.Month != "2026-04" {
			t.Fatalf("next month: %+v", u)
		}
	})
}

func TestStream(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t, answer{chunks: []string{
			`{"choices":[{"delta":{"role":"assistant","content":"Bon"}}]}`,
			`{"choices":[{"delta":{"content":"jour"}}]}`,
			`{"choices":[{"delta":{"content":" !"},"finish_reason":"stop"}]}`,
			`{"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":3}}`,
		}})
		m := e.configure(t, p, ai.SettingsInput{})
		var deltas []string
		resp, err := m.Stream(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "draft"}}}, func(s string) error {
			deltas = append(deltas, s)
			return nil
		})
		if err != nil || resp.Content != "Bonjour !" || strings.Join(deltas, "|") != "Bon|jour| !" || resp.FinishReason != "stop" {
			t.Fatalf("stream: %+v %v %v", resp, deltas, err)
		}
		if p.requests()[0]["stream"] != true {
			t.Fatal("stream not asked for")
		}
		if u, _ := e.svc.Usage(ctx, e.ws); u.PromptTokens != 20 || u.CompletionTokens != 3 {
			t.Fatalf("usage: %+v", u)
		}
		// Tool calls streamed in pieces are put together.
		p2 := newProvider(t, answer{chunks: []string{
			`{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"close","arguments":"{\"cat"}}]}}]}`,
			`{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"egory\":\"solved\"}"}}]},"finish_reason":"tool_calls"}]}`,
		}})
		m = e.configure(t, p2, ai.SettingsInput{})
		resp, err = m.Stream(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "x"}}}, nil)
		if err != nil || len(resp.ToolCalls) != 1 || resp.ToolCalls[0].Arguments != `{"category":"solved"}` || resp.ToolCalls[0].ID != "c1" {
			t.Fatalf("streamed tool call: %+v %v", resp, err)
		}
		// The same stream as an iterator.
		p4 := newProvider(t, answer{chunks: []string{`{"choices":[{"delta":{"content":"x"}}]}`, `{"choices":[{"delta":{"content":"y"}}]}`}})
		m = e.configure(t, p4, ai.SettingsInput{})
		var got []string
		for d, err := range ai.Deltas(ctx, m, ai.ChatRequest{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, d)
		}
		if strings.Join(got, "") != "xy" {
			t.Fatalf("deltas %v", got)
		}
		// An error from the callback stops the stream.
		p3 := newProvider(t, answer{chunks: []string{`{"choices":[{"delta":{"content":"a"}}]}`, `{"choices":[{"delta":{"content":"b"}}]}`}})
		m = e.configure(t, p3, ai.SettingsInput{})
		stop := errors.New("stop")
		if _, err := m.Stream(ctx, ai.ChatRequest{}, func(string) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("stop: %v", err)
		}
	})
}

func TestRetries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t,
			answer{status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"error":{"message":"Rate limit reached"}}`},
			answer{status: 500, body: `{"error":{"message":"overloaded"}}`},
			answer{status: 503, body: `upstream down`},
			completion("ok", 1, 1),
		)
		m := e.configure(t, p, ai.SettingsInput{})
		resp, err := m.Chat(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: "hi"}}})
		if err != nil || resp.Content != "ok" {
			t.Fatalf("after retries: %+v %v", resp, err)
		}
		waits := *e.waits
		if len(waits) != 3 || waits[0] != 7*time.Second || waits[1] != time.Second || waits[2] != 2*time.Second {
			t.Fatalf("waits %v: want Retry-After 7s, then backoff 1s, 2s", waits)
		}
		// Retries are bounded: the last error, with the provider's message.
		p2 := newProvider(t, answer{status: 500, body: `{"error":{"message":"overloaded"}}`}, answer{status: 500, body: `{"error":{"message":"overloaded"}}`},
			answer{status: 500, body: `{"error":{"message":"overloaded"}}`}, answer{status: 502, body: `{"error":{"message":"still overloaded"}}`})
		m = e.configure(t, p2, ai.SettingsInput{})
		_, err = m.Chat(ctx, ai.ChatRequest{})
		var perr *ai.ProviderError
		if !errors.As(err, &perr) || perr.Status != 502 || perr.Message != "still overloaded" || len(p2.requests()) != 4 {
			t.Fatalf("bounded: %v (%d requests)", err, len(p2.requests()))
		}
		// A 4xx is not retried and says why.
		p3 := newProvider(t, answer{status: 401, body: `{"error":{"message":"Incorrect API key provided"}}`})
		m = e.configure(t, p3, ai.SettingsInput{})
		_, err = m.Chat(ctx, ai.ChatRequest{})
		if !errors.As(err, &perr) || perr.Status != 401 || !strings.Contains(err.Error(), "Incorrect API key") || len(p3.requests()) != 1 {
			t.Fatalf("401: %v", err)
		}
		if strings.Contains(err.Error(), "sk-test") {
			t.Fatal("the key is in the error")
		}
		// A Retry-After beyond the bound is not waited for.
		p4 := newProvider(t, answer{status: 429, header: map[string]string{"Retry-After": "3600"}, body: `{"error":{"message":"quota"}}`})
		m = e.configure(t, p4, ai.SettingsInput{})
		if _, err := m.Chat(ctx, ai.ChatRequest{}); err == nil || len(p4.requests()) != 1 {
			t.Fatalf("long Retry-After: %v", err)
		}
	})
}

func TestBudgetExhausted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t, completion("one", 60, 50), completion("two", 1, 1))
		m := e.configure(t, p, ai.SettingsInput{MonthlyBudget: ptr64(100)})
		if _, err := m.Chat(ctx, ai.ChatRequest{}); err != nil {
			t.Fatal(err)
		}
		_, err := m.Chat(ctx, ai.ChatRequest{})
		if !errors.Is(err, ai.ErrBudgetExhausted) || len(p.requests()) != 1 {
			t.Fatalf("over budget: %v, %d requests", err, len(p.requests()))
		}
		if _, err := m.Stream(ctx, ai.ChatRequest{}, nil); !errors.Is(err, ai.ErrBudgetExhausted) {
			t.Fatalf("stream over budget: %v", err)
		}
		u, _ := e.svc.Usage(ctx, e.ws)
		if u.Remaining != 0 || u.TotalTokens != 110 {
			t.Fatalf("usage: %+v", u)
		}
		// Raising the budget lets calls through again.
		m = e.configure(t, p, ai.SettingsInput{MonthlyBudget: ptr64(1000)})
		if _, err := m.Chat(ctx, ai.ChatRequest{}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRedactionAppliedToWhatIsSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t, completion("ok", 1, 1), answer{body: `{"data":[{"index":1,"embedding":[0.5,0.25]},{"index":0,"embedding":[1,0]}],"usage":{"prompt_tokens":8}}`},
			completion("ok", 1, 1))
		m := e.configure(t, p, ai.SettingsInput{Redact: ptrB(true), EmbeddingsModel: str("embed-test")})
		text := "I'm jane.doe@example.com, call +33 6 12 34 56 78, card 4111 1111 1111 1111, order 12345"
		if _, err := m.Chat(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: text}}}); err != nil {
			t.Fatal(err)
		}
		vecs, err := m.Embed(ctx, []string{text, "plain"})
		if err != nil || len(vecs) != 2 || vecs[0][0] != 1 || vecs[1][1] != 0.25 {
			t.Fatalf("embed: %v %v", vecs, err)
		}
		reqs := p.requests()
		sent, _ := json.Marshal(reqs[:2])
		for _, leak := range []string{"jane.doe", "12 34 56", "4111"} {
			if strings.Contains(string(sent), leak) {
				t.Errorf("%q was sent: %s", leak, sent)
			}
		}
		for _, mark := range []string{ai.RedactedEmail, ai.RedactedPhone, ai.RedactedCard, "order 12345"} {
			if !strings.Contains(string(sent), mark) {
				t.Errorf("%q missing from what was sent: %s", mark, sent)
			}
		}
		if reqs[1]["model"] != "embed-test" {
			t.Fatalf("embeddings request: %v", reqs[1])
		}
		// Redaction off: sent as written.
		m = e.configure(t, p, ai.SettingsInput{Redact: ptrB(false)})
		m.Chat(ctx, ai.ChatRequest{Messages: []ai.Message{{Role: "user", Content: text}}})
		if sent, _ := json.Marshal(p.requests()[2]); !strings.Contains(string(sent), "jane.doe@example.com") {
			t.Fatalf("unredacted: %s", sent)
		}
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"mail me at a.b+c@mail.example.org.": "mail me at [email].",
		"card 4242-4242-4242-4242 thanks":    "card [card] thanks",
		"not a card 1234 5678 9012 3456":     "not a card 1234 5678 9012 3456",
		"(555) 123-4567 or 06.12.34.56.78":   "[phone] or [phone]",
		"order 12345 on 2026-03-02 at 10:30": "order 12345 on 2026-03-02 at 10:30",
		// Addresses outside ASCII letters went through whole or in part.
		"write to zoë@exemple.fr":             "write to [email]",
		"o'brien@example.ie wrote":            "[email] wrote",
		"ivan@shop.xn--p1ai, ivan@магазин.рф": "[email], [email]",
		"(anna.müller@beispiel.de)":           "([email])",
	} {
		if got := ai.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuardRefusesPrivateProvider(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t, completion("never", 1, 1))
		e.configure(t, p, ai.SettingsInput{})
		// The same settings on a node whose operator allowed nothing.
		strict := ai.New(d, ai.Options{Keys: e.keys})
		m, ok, err := strict.Model(ctx, e.ws)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		_, err = m.Chat(ctx, ai.ChatRequest{})
		var denied *netguard.DeniedError
		if !errors.As(err, &denied) || len(p.requests()) != 0 {
			t.Fatalf("private provider: %v", err)
		}
		res, err := strict.Test(ctx, e.ws)
		if err != nil || res.OK || res.Error == "" {
			t.Fatalf("test: %+v %v", res, err)
		}
	})
}

func TestTestCall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		if res, err := e.svc.Test(ctx, e.ws); err != nil || res.OK {
			t.Fatalf("unconfigured: %+v %v", res, err)
		}
		p := newProvider(t, completion(" Hello! \n", 5, 2))
		e.configure(t, p, ai.SettingsInput{})
		res, err := e.svc.Test(ctx, e.ws)
		if err != nil || !res.OK || res.Reply != "Hello!" || res.Model != "gpt-test" {
			t.Fatalf("test: %+v %v", res, err)
		}
	})
}

// A stream the caller stops (the composer's Stop, a closed tab) was
// still written and paid for: the call and the text it got count against
// the budget, so stopping every draft cannot get round it.
func TestStoppedStreamCountsAgainstBudget(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		p := newProvider(t, answer{chunks: []string{
			`{"choices":[{"delta":{"content":"Hello there, "}}]}`,
			`{"choices":[{"delta":{"content":"your parcel left today."}}]}`,
		}})
		m := e.configure(t, p, ai.SettingsInput{MonthlyBudget: ptr64(2)})
		stop := errors.New("stop")
		if _, err := m.Stream(ctx, ai.ChatRequest{}, func(string) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("stop: %v", err)
		}
		u, err := e.svc.Usage(ctx, e.ws)
		if err != nil || u.Calls != 1 || u.CompletionTokens < 3 {
			t.Fatalf("usage after a stopped stream: %+v %v", u, err)
		}
		if _, err := m.Chat(ctx, ai.ChatRequest{}); !errors.Is(err, ai.ErrBudgetExhausted) {
			t.Fatalf("next call past the budget: %v", err)
		}
	})
}
