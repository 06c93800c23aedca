package ai

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
)

// Model is a workspace's configured model, as the rest of the product
// calls it (the AI agent, the inbox's drafts, the Classify step). Every
// call checks the monthly budget first (ErrBudgetExhausted), redacts what
// it sends when the workspace asked for it, goes through the guarded
// client with a timeout and bounded retries, and records the tokens the
// provider reports. Errors from the provider are *ProviderError.
type Model interface {
	// Chat asks for one completion (with tool calls when Tools are given).
	Chat(ctx context.Context, req ChatRequest) (ChatResponse, error)
	// Stream asks for a completion streamed as it is written: onDelta
	// gets each piece of text in order (an error from it stops the
	// stream and is returned); the whole response is returned at the end.
	Stream(ctx context.Context, req ChatRequest, onDelta func(delta string) error) (ChatResponse, error)
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// ChatModel and EmbeddingsModel name the models ("" when not set:
	// Chat/Stream or Embed then fail with ErrNoModel).
	ChatModel() string
	EmbeddingsModel() string
}

// Message is one message of a chat: role "system", "user", "assistant"
// or "tool".
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	// ToolCalls are the calls an assistant message asked for (sent back
	// in the history of a conversation with tools).
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// ToolCallID answers a call, in a "tool" message.
	ToolCallID string `json:"tool_call_id,omitempty"`
}

// Tool is a function the model may call; Parameters is its JSON Schema.
type Tool struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

// ToolCall is a call the model asked for; Arguments is JSON text, as the
// model wrote it (check it before acting on it).
type ToolCall struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// ChatRequest is one completion request.
type ChatRequest struct {
	Messages []Message
	Tools    []Tool
	// ToolChoice is "", "auto", "none" or "required".
	ToolChoice string
	// Temperature, when not nil, is sent as is.
	Temperature *float64
	// MaxTokens bounds the completion (0: the provider's default).
	MaxTokens int
}

// TokenUsage is what a call spent, as the provider reported it.
type TokenUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// ChatResponse is a completion.
type ChatResponse struct {
	Content      string
	ToolCalls    []ToolCall
	FinishReason string
	Usage        TokenUsage
}

// errStopDeltas ends a stream whose Deltas loop was left early.
var errStopDeltas = errors.New("ai: the caller stopped reading the stream")

// Deltas is m.Stream as an iterator of the pieces of text: a loop over it
// reads the stream as it comes, leaving the loop ends the call, and an
// error (the budget, the provider's) is the last value, with "".
func Deltas(ctx context.Context, m Model, req ChatRequest) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		_, err := m.Stream(ctx, req, func(d string) error {
			if !yield(d, nil) {
				return errStopDeltas
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopDeltas) {
			yield("", err)
		}
	}
}
