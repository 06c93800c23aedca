package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Message is one inbound message of a custom-channel webhook.
type Message struct {
	MID  string // the integrator's unique message id
	Text string
}

// Webhook posts to a custom channel's webhook.
type Webhook struct {
	URL       string // the webhook's full URL
	ChannelID int64
	Token     string // the channel's token, sent as a bearer token
	HTTP      *http.Client
}

// NewWebhook returns a Webhook for the demo's channel on the server at
// baseURL, with a client that keeps up to conns connections alive.
func NewWebhook(baseURL string, d Demo, conns int) *Webhook {
	return &Webhook{URL: baseURL + d.WebhookPath, ChannelID: d.ChannelID, Token: d.ChannelToken, HTTP: NewClient(conns)}
}

// NewClient returns an HTTP client sized for conns concurrent requests to
// one host: the default transport keeps only two idle connections per host,
// so under higher concurrency most requests would open a new connection
// and the benchmark would measure TCP handshakes.
func NewClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// Body builds the custom-channel payload carrying msgs from one contact.
// It is written by hand rather than with encoding/json so that the load
// generator, which shares two cores with the server, spends little CPU.
func Body(channelID int64, contactID, firstName string, msgs []Message, timestamp time.Time) []byte {
	b := make([]byte, 0, 160+96*len(msgs))
	b = append(b, `{"channelId":"`...)
	b = strconv.AppendInt(b, channelID, 10)
	b = append(b, `","contactId":`...)
	b = strconv.AppendQuote(b, contactID)
	b = append(b, `,"events":[`...)
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"message","mId":`...)
		b = strconv.AppendQuote(b, m.MID)
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, timestamp.UnixMilli(), 10)
		b = append(b, `,"message":{"type":"text","text":`...)
		b = strconv.AppendQuote(b, m.Text)
		b = append(b, `}}`...)
	}
	b = append(b, `],"contact":{"firstName":`...)
	b = strconv.AppendQuote(b, firstName)
	b = append(b, `}}`...)
	return b
}

// Post sends one webhook body and returns the HTTP status. The response
// body is read to the end so the connection is reused.
func (w *Webhook) Post(ctx context.Context, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+w.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return resp.StatusCode, fmt.Errorf("webhook answered %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// Received is one item of a custom-channel webhook's answer: where the
// server stored the message.
type Received struct {
	MessageID      int64 `json:"message_id"`
	ConversationID int64 `json:"conversation_id"`
	ContactID      int64 `json:"contact_id"`
	Duplicate      bool  `json:"duplicate"`
	Opened         bool  `json:"opened"`
}

// PostResults sends one webhook body like Post and returns the server's
// results, one per event of the body, for a caller that needs to know the
// conversation its contact's message went to.
func (w *Webhook) PostResults(ctx context.Context, body []byte) ([]Received, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+w.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("webhook answered %d: %s", resp.StatusCode, bytes.TrimSpace(answer[:min(len(answer), 512)]))
	}
	var out struct {
		Results []Received `json:"results"`
	}
	if err := json.Unmarshal(answer, &out); err != nil {
		return nil, fmt.Errorf("webhook answer %q: %w", answer[:min(len(answer), 200)], err)
	}
	return out.Results, nil
}
