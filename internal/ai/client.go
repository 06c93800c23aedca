package ai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// ErrNoModel is returned by a call whose model the workspace did not set.
var ErrNoModel = errors.New("ai: no model is set for this kind of call")

// ProviderError is an answer of the provider that is not a success, with
// the provider's own message.
type ProviderError struct {
	Status  int
	Message string
}

func (e *ProviderError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("ai: the provider answered %d", e.Status)
	}
	return fmt.Sprintf("ai: the provider answered %d: %s", e.Status, e.Message)
}

// Retry bounds: backoff doubles from retryBase up to retryCap; a
// Retry-After longer than maxRetryAfter is not waited for.
const (
	retryBase     = 500 * time.Millisecond
	retryCap      = 8 * time.Second
	maxRetryAfter = 30 * time.Second
	maxAnswer     = 8 << 20 // bytes of a non-streamed answer read at most
)

// Model returns the workspace's model; ok is false when no provider is
// configured (no base URL, or neither model set).
func (s *Service) Model(ctx context.Context, workspaceID int64) (Model, bool, error) {
	st, err := s.Settings(ctx, workspaceID)
	if err != nil {
		return nil, false, err
	}
	if !st.Configured {
		return nil, false, nil
	}
	return &client{s: s, ws: workspaceID, st: st}, true, nil
}

// client is a Model bound to a snapshot of a workspace's settings.
type client struct {
	s  *Service
	ws int64
	st Settings
}

var _ Model = (*client)(nil)

func (c *client) ChatModel() string       { return c.st.ChatModel }
func (c *client) EmbeddingsModel() string { return c.st.EmbeddingsModel }

func (c *client) redact(s string) string {
	if c.st.Redact {
		return Redact(s)
	}
	return s
}

type wireTool struct {
	Type     string `json:"type"`
	Function Tool   `json:"function"`
}

type wireCall struct {
	Index    *int   `json:"index,omitempty"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type wireMessage struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []wireCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type wireChoice struct {
	Message      wireMessage `json:"message"`
	Delta        wireMessage `json:"delta"`
	FinishReason *string     `json:"finish_reason"`
}

type wireAnswer struct {
	Choices []wireChoice `json:"choices"`
	Usage   *TokenUsage  `json:"usage"`
}

func (c *client) body(req ChatRequest, stream bool) map[string]any {
	msgs := make([]wireMessage, 0, len(req.Messages))
	for _, m := range req.Messages {
		wm := wireMessage{Role: m.Role, Content: c.redact(m.Content), ToolCallID: m.ToolCallID}
		for _, tc := range m.ToolCalls {
			var w wireCall
			w.ID, w.Type = tc.ID, "function"
			w.Function.Name, w.Function.Arguments = tc.Name, tc.Arguments
			wm.ToolCalls = append(wm.ToolCalls, w)
		}
		msgs = append(msgs, wm)
	}
	b := map[string]any{"model": c.st.ChatModel, "messages": msgs}
	if len(req.Tools) > 0 {
		tools := make([]wireTool, len(req.Tools))
		for i, t := range req.Tools {
			if len(t.Parameters) == 0 {
				t.Parameters = json.RawMessage(`{"type":"object","properties":{}}`)
			}
			tools[i] = wireTool{Type: "function", Function: t}
		}
		b["tools"] = tools
		if req.ToolChoice != "" {
			b["tool_choice"] = req.ToolChoice
		}
	}
	if req.Temperature != nil {
		b["temperature"] = *req.Temperature
	}
	if req.MaxTokens > 0 {
		b["max_tokens"] = req.MaxTokens
	}
	if stream {
		b["stream"] = true
		b["stream_options"] = map[string]any{"include_usage": true}
	}
	return b
}

// Chat implements Model.
func (c *client) Chat(ctx context.Context, req ChatRequest) (ChatResponse, error) {
	if c.st.ChatModel == "" {
		return ChatResponse{}, ErrNoModel
	}
	if err := c.s.checkBudget(ctx, c.ws, c.st.MonthlyBudget); err != nil {
		return ChatResponse{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.s.timeout)
	defer cancel()
	resp, err := c.do(ctx, "/chat/completions", c.body(req, false))
	if err != nil {
		return ChatResponse{}, err
	}
	defer resp.Body.Close()
	var a wireAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&a); err != nil {
		return ChatResponse{}, fmt.Errorf("ai: chat: unreadable answer: %w", err)
	}
	if len(a.Choices) == 0 {
		return ChatResponse{}, errors.New("ai: chat: the answer has no choices")
	}
	ch := a.Choices[0]
	out := ChatResponse{Content: ch.Message.Content}
	if ch.FinishReason != nil {
		out.FinishReason = *ch.FinishReason
	}
	for _, w := range ch.Message.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, ToolCall{ID: w.ID, Name: w.Function.Name, Arguments: w.Function.Arguments})
	}
	if a.Usage != nil {
		out.Usage = *a.Usage
	}
	if err := c.s.record(ctx, c.ws, out.Usage.PromptTokens, out.Usage.CompletionTokens); err != nil {
		return out, err
	}
	return out, nil
}

// Stream implements Model: the provider's server-sent events, "data:"
// lines of chunks up to "data: [DONE]".
func (c *client) Stream(ctx context.Context, req ChatRequest, onDelta func(string) error) (ChatResponse, error) {
	if c.st.ChatModel == "" {
		return ChatResponse{}, ErrNoModel
	}
	if err := c.s.checkBudget(ctx, c.ws, c.st.MonthlyBudget); err != nil {
		return ChatResponse{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*c.s.timeout)
	defer cancel()
	resp, err := c.do(ctx, "/chat/completions", c.body(req, true))
	if err != nil {
		return ChatResponse{}, err
	}
	defer resp.Body.Close()
	// What the provider wrote was paid for, whether the stream ends, breaks
	// or its reader stops it (the composer's Stop): it is recorded in every
	// case, or stopping every draft would get round the budget.
	st := stream{calls: map[int]*ToolCall{}}
	streamErr := st.read(resp.Body, onDelta)
	out := st.out
	out.Content = st.text.String()
	for _, i := range st.order {
		out.ToolCalls = append(out.ToolCalls, *st.calls[i])
	}
	if out.Usage == (TokenUsage{}) {
		// The provider did not report usage: estimate (4 characters a token).
		out.Usage.CompletionTokens = (len(out.Content) + 3) / 4
	}
	recordErr := c.s.record(ctx, c.ws, out.Usage.PromptTokens, out.Usage.CompletionTokens)
	if streamErr != nil {
		return ChatResponse{}, streamErr
	}
	if recordErr != nil {
		return out, recordErr
	}
	return out, nil
}

// stream is a streamed completion as read so far.
type stream struct {
	out   ChatResponse // FinishReason and Usage
	text  strings.Builder
	calls map[int]*ToolCall
	order []int // of the calls' indexes, as they came
}

// read reads the provider's server-sent events up to "data: [DONE]",
// passing each piece of text to onDelta; an error from it stops the read.
func (st *stream) read(body io.Reader, onDelta func(string) error) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			break
		}
		var a wireAnswer
		if err := json.Unmarshal([]byte(data), &a); err != nil {
			return fmt.Errorf("ai: stream: unreadable chunk: %w", err)
		}
		if a.Usage != nil {
			st.out.Usage = *a.Usage
		}
		for _, ch := range a.Choices {
			if ch.FinishReason != nil {
				st.out.FinishReason = *ch.FinishReason
			}
			for _, w := range ch.Delta.ToolCalls {
				i := 0
				if w.Index != nil {
					i = *w.Index
				}
				tc, ok := st.calls[i]
				if !ok {
					tc = &ToolCall{}
					st.calls[i] = tc
					st.order = append(st.order, i)
				}
				if w.ID != "" {
					tc.ID = w.ID
				}
				tc.Name += w.Function.Name
				tc.Arguments += w.Function.Arguments
			}
			if ch.Delta.Content == "" {
				continue
			}
			st.text.WriteString(ch.Delta.Content)
			if onDelta != nil {
				if err := onDelta(ch.Delta.Content); err != nil {
					return err
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ai: stream: %w", err)
	}
	return nil
}

// Embed implements Model.
func (c *client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.st.EmbeddingsModel == "" {
		return nil, ErrNoModel
	}
	if len(texts) == 0 {
		return nil, nil
	}
	if err := c.s.checkBudget(ctx, c.ws, c.st.MonthlyBudget); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.s.timeout)
	defer cancel()
	in := make([]string, len(texts))
	for i, t := range texts {
		in[i] = c.redact(t)
	}
	resp, err := c.do(ctx, "/embeddings", map[string]any{"model": c.st.EmbeddingsModel, "input": in})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var a struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
		Usage *TokenUsage `json:"usage"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8*maxAnswer)).Decode(&a); err != nil {
		return nil, fmt.Errorf("ai: embed: unreadable answer: %w", err)
	}
	out := make([][]float32, len(texts))
	for _, d := range a.Data {
		if d.Index < 0 || d.Index >= len(out) {
			return nil, fmt.Errorf("ai: embed: the answer has an index %d out of range", d.Index)
		}
		out[d.Index] = d.Embedding
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("ai: embed: the answer lacks the vector of input %d", i)
		}
	}
	var used TokenUsage
	if a.Usage != nil {
		used = *a.Usage
	}
	if err := c.s.record(ctx, c.ws, used.PromptTokens, 0); err != nil {
		return out, err
	}
	return out, nil
}

// do posts body to the provider's path, retrying a 429, a 5xx or a failed
// connection with backoff (honouring Retry-After), and returns a 2xx
// answer for the caller to read and close.
func (c *client) do(ctx context.Context, path string, body any) (*http.Response, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("ai: %w", err)
	}
	url := c.st.BaseURL + path
	var lastErr error
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("ai: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if c.st.apiKey != "" {
			req.Header.Set("Authorization", "Bearer "+c.st.apiKey)
		}
		resp, err := c.s.httpClient().Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			var denied *netguard.DeniedError
			if errors.As(err, &denied) || ctx.Err() != nil {
				return nil, fmt.Errorf("ai: %s: %w", path, err)
			}
			// The error of the transport names the URL, never the key.
			lastErr = fmt.Errorf("ai: %s: %w", path, err)
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return resp, nil
		default:
			perr := providerError(resp)
			if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
				return nil, perr
			}
			lastErr = perr
			if d, ok := netguard.RetryAfter(resp.Header, time.Now()); ok {
				if d > maxRetryAfter {
					return nil, fmt.Errorf("%w (the provider asks to wait %s)", perr, d.Round(time.Second))
				}
				wait = d
			}
		}
		if attempt >= c.s.retries {
			return nil, lastErr
		}
		if wait == 0 {
			wait = min(retryBase<<attempt, retryCap)
		}
		if err := c.s.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%w (gave up waiting: %w)", lastErr, err)
		}
	}
}

// providerError reads the provider's error answer and closes it.
func providerError(resp *http.Response) error {
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	var a struct {
		Error json.RawMessage `json:"error"`
	}
	msg := ""
	if json.Unmarshal(raw, &a) == nil && len(a.Error) > 0 {
		var e struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(a.Error, &e) == nil && e.Message != "" {
			msg = e.Message
		} else {
			var s string
			if json.Unmarshal(a.Error, &s) == nil {
				msg = s
			}
		}
	}
	if msg == "" {
		msg = string(raw)
	}
	// Shown in the settings' test and kept with a failed turn or sync:
	// text that can be stored, cut on a character.
	msg = limit.Clip(limit.Clean(strings.TrimSpace(msg)), 300)
	return &ProviderError{Status: resp.StatusCode, Message: msg}
}

// TestResult is the answer of a configuration test.
type TestResult struct {
	OK        bool   `json:"ok"`
	Model     string `json:"model"`
	Reply     string `json:"reply"`
	Error     string `json:"error,omitempty"`
	LatencyMS int64  `json:"latency_ms"`
}

// Test asks the chat model for a one-line completion.
func (s *Service) Test(ctx context.Context, workspaceID int64) (TestResult, error) {
	m, ok, err := s.Model(ctx, workspaceID)
	if err != nil {
		return TestResult{}, err
	}
	if !ok || m.ChatModel() == "" {
		return TestResult{OK: false, Error: ErrNotConfigured.Error()}, nil
	}
	start := time.Now()
	resp, err := m.Chat(ctx, ChatRequest{MaxTokens: 20, Messages: []Message{
		{Role: "system", Content: "You check that a connection works. Answer in one short line."},
		{Role: "user", Content: "Say hello."},
	}})
	res := TestResult{Model: m.ChatModel(), LatencyMS: time.Since(start).Milliseconds()}
	if err != nil {
		res.Error = err.Error()
		return res, nil
	}
	res.OK, res.Reply = true, strings.TrimSpace(resp.Content)
	return res, nil
}
