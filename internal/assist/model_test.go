package assist_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// provider is an OpenAI-compatible chat-completions server answering from a
// script: each request takes the next answer (the last one repeats), and
// its body is kept for the test to read.
type provider struct {
	srv *httptest.Server

	mu      sync.Mutex
	script  []answer
	bodies  []chatBody
	answers int
}

// answer is one scripted reply: a status with an error message, or a
// completion (streamed when the request asks for it).
type answer struct {
	status  int
	message string
	text    string
	usage   [2]int // prompt, completion tokens
	finish  string // the finish_reason; "" is "stop"
}

// chatBody is what the server reads of a request.
type chatBody struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

func newProvider(t *testing.T, script ...answer) *provider {
	p := &provider{script: script}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body chatBody
	if r.URL.Path != "/v1/chat/completions" || json.Unmarshal(raw, &body) != nil {
		http.Error(w, `{"error":{"message":"bad request"}}`, 400)
		return
	}
	p.mu.Lock()
	p.bodies = append(p.bodies, body)
	a := p.script[min(p.answers, len(p.script)-1)]
	p.answers++
	p.mu.Unlock()
	if a.finish == "" {
		a.finish = "stop"
	}
	if a.status != 0 && a.status != 200 {
		w.Header().Set("Content-Type", "application/json")
		if a.status == 429 {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(a.status)
		fmt.Fprintf(w, `{"error":{"message":%q,"type":"server_error"}}`, a.message)
		return
	}
	if !body.Stream {
		w.Header().Set("Content-Type", "application/json")
		out, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": body.Model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": a.text}, "finish_reason": a.finish}},
			"usage":   map[string]any{"prompt_tokens": a.usage[0], "completion_tokens": a.usage[1], "total_tokens": a.usage[0] + a.usage[1]},
		})
		w.Write(out)
		return
	}
	// The real format of a streamed completion: a role chunk, content
	// chunks, a finish chunk, a usage chunk (stream_options.include_usage),
	// then [DONE].
	w.Header().Set("Content-Type", "text/event-stream")
	chunk := func(v map[string]any) {
		v["id"], v["object"], v["model"] = "chatcmpl-1", "chat.completion.chunk", body.Model
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	chunk(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"role": "assistant", "content": ""}, "finish_reason": nil}}})
	for _, piece := range pieces(a.text) {
		chunk(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": piece}, "finish_reason": nil}}})
	}
	chunk(map[string]any{"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": a.finish}}})
	chunk(map[string]any{"choices": []any{}, "usage": map[string]any{"prompt_tokens": a.usage[0], "completion_tokens": a.usage[1],
		"total_tokens": a.usage[0] + a.usage[1]}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// pieces cuts text after each space, as a model's tokens come.
func pieces(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text, ' ')
		if i < 0 {
			return append(out, text)
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

func (p *provider) requests() []chatBody {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]chatBody(nil), p.bodies...)
}

func (p *provider) url() string { return p.srv.URL + "/v1" }
