package twilio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// SendTimeout bounds one call to the Messages API.
const SendTimeout = 15 * time.Second

// maxAnswerBytes bounds how much of Twilio's answer is read.
const maxAnswerBytes = 64 << 10

// apiError is the REST API's error body:
// {"code": 21211, "message": "…", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// reason is the failure as an agent reads it: Twilio's words and code.
func (e apiError) reason() string {
	if e.Code == 0 {
		return e.Message
	}
	return fmt.Sprintf("%s (Twilio error %d)", e.Message, e.Code)
}

// messageResource is what of the Messages API's answer is read.
type messageResource struct {
	SID string `json:"sid"`
}

// Send posts msg to {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
// with basic auth (Account SID and auth token): To, From or
// MessagingServiceSid (both prefixed "whatsapp:" on WhatsApp), Body, a
// MediaUrl per attachment, and the status callback under the public URL.
// Quick replies become numbered lines; a WhatsApp template goes as its
// ContentSid and ContentVariables. The answer decides:
//
//	2xx {"sid": "SM…"}                      sent; the sid is what status callbacks name
//	4xx {"code", "message", "more_info"}    failed for good with Twilio's message and code
//	429, 5xx, network error                 retried (after Retry-After when Twilio gives one)
//	400 with code 21611 (the queue is full) retried
func (p *Provider) Send(ctx context.Context, ch channel.Channel, to string, msg conversation.Message) (string, error) {
	cfg, err := config(ch)
	if err != nil || cfg.AccountSID == "" || cfg.AuthToken == "" {
		return "", outbound.Permanent("the SMS channel has no Twilio account configured")
	}
	// A template is sent by its Content SID with its values (WhatsApp
	// only); anything else as a body and media.
	var form url.Values
	var body string
	if msg.Type == conversation.MessageTypeTemplate {
		if cfg.Medium != MediumWhatsApp {
			return "", outbound.Permanent("an SMS channel sends no templates")
		}
		if form, err = templateForm(msg); err != nil {
			return "", err
		}
	} else {
		var media []string
		if body, media, err = bodyOf(msg, cfg.Medium); err != nil {
			return "", err
		}
		form = url.Values{}
		if body != "" {
			form.Set("Body", body)
		}
		for _, m := range media {
			form.Add("MediaUrl", m)
		}
	}
	// WhatsApp addresses are the numbers prefixed "whatsapp:" (a
	// Messaging Service finds its WhatsApp sender from the To's prefix).
	prefix := ""
	if cfg.Medium == MediumWhatsApp {
		prefix = whatsAppPrefix
	}
	form.Set("To", prefix+to)
	if cfg.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", cfg.MessagingServiceSID)
	} else {
		form.Set("From", prefix+cfg.From)
	}
	if cb := p.statusCallback(cfg, ch.ID, body); cb != "" {
		form.Set("StatusCallback", cb)
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	endpoint := cfg.APIBaseURL + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", outbound.Permanent("the channel's API base URL is not usable: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(cfg.AccountSID, cfg.AuthToken)
	resp, err := p.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("twilio: send message %d: %w", msg.ID, guardError(err))
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return "", fmt.Errorf("twilio: send message %d: reading the answer: %w", msg.ID, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		var m messageResource
		if json.Unmarshal(answer, &m) != nil || strings.TrimSpace(m.SID) == "" {
			return "", fmt.Errorf("twilio: send message %d: answered %d without a message sid", msg.ID, resp.StatusCode)
		}
		return m.SID, nil
	}
	return "", fmt.Errorf("twilio: send message %d: %w", msg.ID, classify(resp.StatusCode, resp.Header, answer))
}

// errQueueFull is Twilio's 400 for a sender whose queue of outbound
// messages is full (hours of its throughput): a rate limit, not a refusal
// of the message, which goes through once the queue has drained.
const errQueueFull = 21611

// classify turns an answer that is not 2xx into the outbound error the
// dispatcher understands.
func classify(status int, header http.Header, answer []byte) error {
	e := apiError{Status: status}
	if json.Unmarshal(answer, &e) != nil || strings.TrimSpace(e.Message) == "" {
		e.Message = fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
		if snippet := strings.TrimSpace(limit.CutBytes(string(answer), 200)); snippet != "" && !bytes.HasPrefix(bytes.TrimSpace(answer), []byte("<")) {
			e.Message += ": " + snippet
		}
	}
	reason := limit.Storable(e.reason(), 300)
	if status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500 || e.Code == errQueueFull {
		err := errors.New("twilio answered " + reason)
		if delay, ok := netguard.RetryAfter(header, time.Now()); ok {
			return outbound.WithRetryAfter(err, delay)
		}
		return err
	}
	return outbound.Permanent(reason)
}

// guardError makes a refusal of the node's guard permanent.
func guardError(err error) error { return outbound.GuardRefusal("the channel's API base URL", err) }

// publicBase is where Twilio reaches this node for the channel: its
// webhook_base_url, or the node's public URL ("" when neither is set).
func (p *Provider) publicBase(cfg Config) string {
	if cfg.WebhookBaseURL != "" {
		return cfg.WebhookBaseURL
	}
	return p.publicURL
}

// statusCallback is the status webhook's URL for a message of body: the
// segment count and encoding ride along in its query, so the callback can
// record them (Twilio signs and calls the URL as given). Empty when the
// node's public address is unknown: Twilio then sends no callbacks.
func (p *Provider) statusCallback(cfg Config, channelID int64, body string) string {
	base := p.publicBase(cfg)
	if base == "" {
		return ""
	}
	u := base + webhookPath(channelID) + "/status"
	// WhatsApp has no segments: a message is one, whatever its length.
	if n, enc := Segments(body); n > 0 && cfg.Medium != MediumWhatsApp {
		u += "?" + url.Values{"segments": {strconv.Itoa(n)}, "encoding": {enc}}.Encode()
	}
	return u
}

// webhookPath is the channel's inbound webhook path
// (channel.WebhookPattern(Type, "")).
func webhookPath(channelID int64) string {
	return "/webhooks/" + Type + "/" + strconv.FormatInt(channelID, 10)
}

// bodyOf is the body and media URLs of an outbound message on medium:
// its text; for quick replies the text and then each reply on a numbered
// line (neither SMS nor a free-form WhatsApp message has buttons); for
// attachments their URLs, which must be absolute for Twilio to fetch
// them, at most MaxMedia on SMS and one on WhatsApp.
func bodyOf(m conversation.Message, medium string) (string, []string, error) {
	var c struct {
		Text       string            `json:"text"`
		Replies    []json.RawMessage `json:"replies"`
		Attachment *struct {
			URL string `json:"url"`
		} `json:"attachment"`
		Attachments []struct {
			URL string `json:"url"`
		} `json:"attachments"`
	}
	if len(bytes.TrimSpace(m.Content)) > 0 && json.Unmarshal(m.Content, &c) != nil {
		c.Replies, c.Attachment, c.Attachments = nil, nil, nil
	}
	text := m.Text
	if text == "" {
		text = c.Text
	}
	var media []string
	if c.Attachment != nil && c.Attachment.URL != "" {
		media = append(media, c.Attachment.URL)
	}
	for _, a := range c.Attachments {
		if a.URL != "" {
			media = append(media, a.URL)
		}
	}
	for _, u := range media {
		parsed, err := url.Parse(u)
		if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
			return "", nil, outbound.Permanent(fmt.Sprintf("the attachment URL %q is not an absolute http(s) URL Twilio can fetch (set the node's --public-url)", limit.Clip(u, 80)))
		}
	}
	if medium == MediumWhatsApp && len(media) > 1 {
		return "", nil, outbound.Permanent("a WhatsApp message through Twilio carries one attachment")
	}
	if len(media) > MaxMedia {
		return "", nil, outbound.Permanent(fmt.Sprintf("an MMS carries at most %d attachments", MaxMedia))
	}
	if m.Type == "quick_reply" || len(c.Replies) > 0 {
		var lines []string
		for i, raw := range c.Replies {
			if label := channel.ReplyTitle(raw); label != "" {
				lines = append(lines, fmt.Sprintf("%d. %s", i+1, label))
			}
		}
		// Ask a Question already numbers its options in the text (for
		// channels without buttons): never twice.
		if block := strings.Join(lines, "\n"); len(lines) > 0 && !strings.Contains(text, block) {
			if text != "" {
				text += "\n"
			}
			text += block
		}
	}
	if strings.TrimSpace(text) == "" && len(media) == 0 {
		typ := m.Type
		if typ == "" {
			typ = "text"
		}
		by := "SMS"
		if medium == MediumWhatsApp {
			by = "WhatsApp"
		}
		return "", nil, outbound.Permanent(fmt.Sprintf("a %s message without text or attachments cannot be sent by %s", typ, by))
	}
	return text, media, nil
}
