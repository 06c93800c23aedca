package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// chatServer is an OpenAI-compatible chat-completions server: it answers
// reply (streamed in the real chunk format when asked), or fails with
// status when status is set.
func chatServer(t *testing.T, reply string, status *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Stream bool `json:"stream"`
		}
		raw, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(raw, &body)
		if s := status.Load(); s != 0 {
			w.WriteHeader(int(s))
			io.WriteString(w, `{"error":{"message":"The model is overloaded"}}`)
			return
		}
		if !body.Stream {
			out, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": reply},
				"finish_reason": "stop"}}, "usage": map[string]any{"prompt_tokens": 50, "completion_tokens": 10}})
			w.Write(out)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, word := range strings.SplitAfter(reply, " ") {
			b, _ := json.Marshal(map[string]any{"object": "chat.completion.chunk", "choices": []any{map[string]any{"index": 0,
				"delta": map[string]any{"content": word}, "finish_reason": nil}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
		fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":10}}\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAIHelp(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		var failing atomic.Int32
		model := chatServer(t, "Hello Ada, your parcel left our warehouse today.", &failing)
		guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		reports := report.New(d, report.Options{})
		f := newFixture(t, d, func(deps *httpapi.Deps) {
			deps.AI = ai.New(d, ai.Options{Keys: aiTestKeys(t), Guard: guard, MaxRetries: 1,
				Sleep: func(context.Context, time.Duration) error { return nil }})
			deps.Reports = reports
		})
		got := f.inbound(t, "+15550001", "Ada", "m-1")
		f.vars["conv"] = strconv.FormatInt(got.ConversationID, 10)
		f.run(t, []scenario{
			{name: "no model: the composer knows", method: "GET", path: "/api/v1/conversations/{{conv}}/ai", as: "agent", status: 200,
				want: []string{`"model":false`, `"contact_language":""`}},
			{name: "no model, no article: no draft", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/draft", as: "agent", status: 409,
				want: []string{`"code":"ai_not_configured"`, "Settings → AI"}},
			{name: "no model: no rewrite", method: "POST", path: "/api/v1/ai/rewrite", as: "agent", body: `{"text":"hi","style":"formal"}`,
				status: 409, want: []string{`"code":"ai_not_configured"`}},
			{name: "a manager sets a model", method: "PUT", path: "/api/v1/ai/settings", as: "manager",
				body: `{"base_url":"` + model.URL + `/v1","chat_model":"m1"}`, status: 200},
			{name: "the composer sees it", method: "GET", path: "/api/v1/conversations/{{conv}}/ai", as: "agent", status: 200,
				want: []string{`"model":true`}},
			{name: "a draft as JSON", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/draft", as: "agent", status: 200,
				want: []string{`"text":"Hello Ada, your parcel left our warehouse today."`, `"source":"model"`, `"model":"m1"`, `"passages":[]`}},
			{name: "another workspace's conversation", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/draft", as: "stranger", status: 404},
			{name: "rewrite", method: "POST", path: "/api/v1/ai/rewrite", as: "agent", body: `{"text":"yo ur parcel left","style":"grammar"}`,
				status: 200, want: []string{`"text":"Hello Ada`, `"model":"m1"`}},
			{name: "a bad style", method: "POST", path: "/api/v1/ai/rewrite", as: "agent", body: `{"text":"hi","style":"pirate"}`, status: 422,
				want: []string{`"field":"style"`}},
			{name: "an unknown field", method: "POST", path: "/api/v1/ai/rewrite", as: "agent", body: `{"text":"hi","style":"formal","tone":1}`, status: 400},
			{name: "translate", method: "POST", path: "/api/v1/ai/translate", as: "agent", body: `{"text":"Bonjour, où est mon colis ?","language":"en"}`,
				status: 200, want: []string{`"language":"en"`, `"source_language":"fr"`}},
			{name: "translate to a contact of unknown language", method: "POST", path: "/api/v1/ai/translate", as: "agent",
				body: `{"text":"Hi","conversation_id":{{conv}}}`, status: 409, want: []string{`"code":"contact_language_unknown"`}},
			{name: "summary", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/summary", as: "agent", body: `{"language":"fr"}`,
				status: 200, want: []string{`"text":"Hello Ada`, `"language":"fr"`}},
			{name: "summary without a body", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/summary", as: "agent", status: 200,
				want: []string{`"language":"en"`}},
			{name: "the agent sends the edited draft", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"text":"Hello Ada, your parcel left today.","ai_assisted":true}`, status: 202, want: []string{`"ai":"draft"`}},
			{name: "the timeline shows the mark", method: "GET", path: "/api/v1/conversations/{{conv}}/messages", as: "agent", status: 200,
				want: []string{`"ai":"draft"`}},
			{name: "the event carries it", method: "GET", path: "/api/v1/conversations/{{conv}}/events", as: "manager", status: 200,
				want: []string{`"ai":"draft"`}},
		})
		// The AI-drafted reply answered nobody in the reports.
		today := db.Time(d.Now()).UTC().Format("2006-01-02")
		firstResponses := func() int64 {
			t.Helper()
			if _, err := reports.Rebuild(context.Background()); err != nil {
				t.Fatal(err)
			}
			r, err := reports.Responses(context.Background(), f.ws.ID, report.Filter{From: today, To: today})
			if err != nil {
				t.Fatal(err)
			}
			return r.Current.FirstResponse.Count
		}
		if n := firstResponses(); n != 0 {
			t.Fatalf("an AI-drafted reply counted as %d first response(s)", n)
		}
		f.run(t, []scenario{{name: "then a reply of their own", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
			body: `{"text":"Anything else?"}`, status: 202, notWant: []string{`"ai"`}}})
		if n := firstResponses(); n != 1 {
			t.Fatalf("first responses: %d, want 1 (the agent's own reply)", n)
		}

		// The draft streamed as server-sent events.
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/conversations/"+f.vars["conv"]+"/ai/draft", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens["agent"])
		req.Header.Set("Accept", "text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var text strings.Builder
		var events []string
		var done struct{ Text, Source string }
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
				events = append(events, e)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				switch event {
				case "delta":
					var d struct{ Text string }
					if err := json.Unmarshal([]byte(data), &d); err != nil {
						t.Fatal(err)
					}
					text.WriteString(d.Text)
				case "done":
					if err := json.Unmarshal([]byte(data), &done); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		want := "Hello Ada, your parcel left our warehouse today."
		if text.String() != want || done.Text != want || done.Source != "model" || len(events) != 9 || events[len(events)-1] != "done" {
			t.Fatalf("stream: %q, done %+v, events %v", text.String(), done, events)
		}

		// The provider fails: a clear error, whether streamed or not.
		failing.Store(500)
		f.run(t, []scenario{
			{name: "a failing provider", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/draft", as: "agent", status: 502,
				want: []string{`"code":"ai_provider_error"`, "500: The model is overloaded"}},
			{name: "a failing provider, streamed", method: "POST", path: "/api/v1/conversations/{{conv}}/ai/draft", as: "agent", status: 502,
				header: map[string]string{"Accept": "text/event-stream"}, want: []string{`"code":"ai_provider_error"`}},
		})
		// The budget is spent.
		failing.Store(0)
		f.run(t, []scenario{
			{name: "a budget of 10 tokens", method: "PUT", path: "/api/v1/ai/settings", as: "manager", body: `{"monthly_budget":10}`, status: 200},
			{name: "past the budget", method: "POST", path: "/api/v1/ai/translate", as: "agent", body: `{"text":"Bonjour","language":"en"}`,
				status: 409, want: []string{`"code":"ai_budget_exhausted"`, "next month"}},
		})
	})
}
