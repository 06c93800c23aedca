package custom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// DefaultTimeout bounds one POST to the integrator.
const DefaultTimeout = 10 * time.Second

// maxAnswerBytes bounds how much of the integrator's answer is read.
const maxAnswerBytes = 64 << 10

// maxReflectedBytes bounds the integrator's words kept in an error: they
// become a message's failure reason, which every agent of the workspace
// reads in message.status events, and a log line.
const maxReflectedBytes = 300

// Sender delivers outbound messages of custom channels: it POSTs
// {"channelId", "contactId", "message": {"type", "text", …}} to the
// channel's <base URL>/message with the channel's token as bearer, as
// respond.io does. The answer decides what happens next:
//
//	2xx {"mId": "…"}             sent; mId is the provider id status webhooks refer to
//	2xx without an mId           retried (the integrator may not have sent it)
//	4xx {"error": {"message"}}   failed for good, with that message as the reason
//	408, 429, 5xx, timeout, network error   retried
//	429 or 503 with Retry-After  retried no sooner than the integrator asked
//
// Every attempt carries the message id as Idempotency-Key, so an
// integrator can recognise a retry of a message it already sent. A base
// URL whose address the node's guard refuses fails the message for good,
// saying how the operator can allow it.
type Sender struct {
	// Client is the node's guarded client (netguard). nil: a guarded
	// client that allows no private network.
	Client  *http.Client
	Timeout time.Duration // per attempt; 0: DefaultTimeout
}

var _ outbound.Sender = (*Sender)(nil)

// NewSender returns a Sender calling through client, the node's guarded
// client (nil: one that allows no private network), with DefaultTimeout.
func NewSender(client *http.Client) *Sender {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Sender{Client: client, Timeout: DefaultTimeout}
}

// outMessage is the body of an outbound POST.
type outMessage struct {
	ChannelID string          `json:"channelId"`
	ContactID string          `json:"contactId"`
	Message   json.RawMessage `json:"message"`
}

// Send delivers msg to the contact known on ch as contactExternalID and
// returns the integrator's mId.
func (s *Sender) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	var cfg Config
	if err := json.Unmarshal(ch.Config, &cfg); err != nil || cfg.BaseURL == "" {
		return "", outbound.Permanent("the channel has no base URL configured")
	}
	message, err := wireMessage(msg)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(outMessage{ChannelID: strconv.FormatInt(ch.ID, 10), ContactID: contactExternalID, Message: message})
	if err != nil {
		return "", fmt.Errorf("custom: encode message %d: %w", msg.ID, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := strings.TrimRight(cfg.BaseURL, "/") + "/message"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", outbound.Permanent(fmt.Sprintf("the channel's base URL is not usable: %v", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+ch.Token)
	req.Header.Set("Idempotency-Key", strconv.FormatInt(msg.ID, 10))
	client := s.Client
	if client == nil {
		// A zero Sender: guarded all the same, without a shared pool.
		client = netguard.New(netguard.Options{}).Client()
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("custom: send message %d: %w", msg.ID, outbound.GuardRefusal("the channel's base URL", err))
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return "", fmt.Errorf("custom: send message %d: reading the answer: %w", msg.ID, err)
	}
	id, err := classify(resp.StatusCode, answer)
	if err != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if delay, ok := netguard.RetryAfter(resp.Header, time.Now()); ok {
			err = outbound.WithRetryAfter(err, delay)
		}
	}
	return id, err
}

// classify turns the integrator's answer into the mId or an error.
func classify(status int, answer []byte) (string, error) {
	switch {
	case status >= 200 && status < 300:
		var ok struct {
			MID json.RawMessage `json:"mId"`
		}
		if json.Unmarshal(answer, &ok) == nil {
			if id := idText(ok.MID); id != "" {
				return id, nil
			}
		}
		return "", fmt.Errorf("custom: the integrator answered %d without an mId", status)
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status < 400 || status >= 500:
		return "", fmt.Errorf("custom: the integrator answered %d: %s", status, errorText(status, answer))
	}
	return "", fmt.Errorf("custom: the integrator refused the message: %w", outbound.Permanent(errorText(status, answer)))
}

// idText reads an mId given as a JSON string or number.
func idText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if isNumber(raw) {
		return string(raw)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// errorText is the integrator's explanation: {"error": {"message"}} as
// respond.io specifies, or {"error": "…"} or {"message": "…"}; failing
// those, the status and the start of the body. It is at most
// maxReflectedBytes of the integrator's words, valid UTF-8.
func errorText(status int, answer []byte) string {
	return limit.Storable(integratorText(status, answer), maxReflectedBytes)
}

// integratorText is errorText before it is made safe to reflect.
func integratorText(status int, answer []byte) string {
	var e struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(answer, &e) == nil {
		var nested struct {
			Message string `json:"message"`
		}
		var flat string
		switch {
		case json.Unmarshal(e.Error, &nested) == nil && strings.TrimSpace(nested.Message) != "":
			return strings.TrimSpace(nested.Message)
		case json.Unmarshal(e.Error, &flat) == nil && strings.TrimSpace(flat) != "":
			return strings.TrimSpace(flat)
		case strings.TrimSpace(e.Message) != "":
			return strings.TrimSpace(e.Message)
		}
	}
	text := fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	if snippet := strings.TrimSpace(limit.CutBytes(string(answer), maxReflectedBytes)); snippet != "" {
		text += ": " + snippet
	}
	return text
}

// wireMessage is the message object of an outbound POST: {"type": "text",
// "text": …} for text, and for other types the stored channel-level
// object (Message.Content) with its type, plus the text if it has none.
func wireMessage(m conversation.Message) (json.RawMessage, error) {
	typ := m.Type
	if typ == "" {
		typ = "text"
	}
	if typ == "text" {
		return json.Marshal(map[string]string{"type": "text", "text": m.Text})
	}
	var fields map[string]json.RawMessage
	if len(bytes.TrimSpace(m.Content)) > 0 {
		if err := json.Unmarshal(m.Content, &fields); err != nil {
			return nil, outbound.Permanent(fmt.Sprintf("the content of a %s message must be a JSON object", typ))
		}
	}
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	fields["type"], _ = json.Marshal(typ)
	if _, has := fields["text"]; !has && m.Text != "" {
		fields["text"], _ = json.Marshal(m.Text)
	}
	return json.Marshal(fields)
}
