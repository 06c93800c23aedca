package messenger

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// SendTimeout bounds one Send API request.
const SendTimeout = 15 * time.Second

// sendRequest is the Send API's body: POST <graph>/<version>/me/messages.
type sendRequest struct {
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	// MessagingType is RESPONSE (inside the 24-hour window) or
	// MESSAGE_TAG with Tag (HUMAN_AGENT: up to 7 days).
	MessagingType string      `json:"messaging_type"`
	Tag           string      `json:"tag,omitempty"`
	Message       sendMessage `json:"message"`
}

type sendMessage struct {
	Text         string          `json:"text,omitempty"`
	Attachment   *sendAttachment `json:"attachment,omitempty"`
	QuickReplies []quickReply    `json:"quick_replies,omitempty"`
	Metadata     string          `json:"metadata,omitempty"`
}

type sendAttachment struct {
	Type    string `json:"type"` // image, video, audio, file
	Payload struct {
		URL string `json:"url"`
	} `json:"payload"`
}

type quickReply struct {
	ContentType string `json:"content_type"` // text
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

// sendAnswer is the Send API's success body.
type sendAnswer struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// outContent is what an outbound message's content may carry: quick
// replies (strings, or objects with a title), attachments ({"attachment":
// {type, url}} or {"attachments": [...]}), and the tag the send path
// stamps inside the extended window.
type outContent struct {
	Text        string            `json:"text"`
	Replies     []json.RawMessage `json:"replies"`
	Attachment  *outAttachment    `json:"attachment"`
	Attachments []outAttachment   `json:"attachments"`
	MessageTag  string            `json:"message_tag"`
}

type outAttachment struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// send delivers msg as one Send API request, or, for a text with
// attachments, one request for the text and one per attachment (the Send
// API carries one attachment per message); the id returned is the last
// one's. A retry after a partial failure resumes after the parts already
// delivered (channel.SendParts).
func (pr *Provider) send(ctx context.Context, ch channel.Channel, to string, msg conversation.Message) (string, error) {
	cfg, err := configOf(ch)
	if err != nil || cfg.AccessToken == "" {
		return "", outbound.Permanent("the channel has no page access token configured")
	}
	parts, err := pr.parts(msg)
	if err != nil {
		return "", err
	}
	ids, err := channel.SendParts(ctx, len(parts), func(i int) (string, error) {
		part := parts[i]
		req := sendRequest{MessagingType: "RESPONSE", Message: part.message}
		req.Recipient.ID = to
		if part.tag != "" {
			req.MessagingType, req.Tag = "MESSAGE_TAG", part.tag
		}
		if pr.p.metadata {
			req.Message.Metadata = metadataPrefix + strconv.FormatInt(msg.ID, 10)
		}
		mid, err := pr.post(ctx, ch, cfg, to, req)
		if err != nil {
			return "", fmt.Errorf("%s: send message %d (part %d of %d): %w", pr.p.typ, msg.ID, i+1, len(parts), err)
		}
		return mid, nil
	})
	if err != nil {
		return "", err
	}
	return ids[len(ids)-1], nil
}

// post sends one Send API request and returns the message's id.
func (pr *Provider) post(ctx context.Context, ch channel.Channel, cfg Config, to string, req sendRequest) (string, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	a, err := pr.call(ctx, http.MethodPost, cfg.endpoint("/me/messages"), cfg.AccessToken, body)
	if err != nil {
		return "", err
	}
	if !a.ok() {
		return "", meta.ClassifyResponse(a.status, a.header, a.body)
	}
	var ok sendAnswer
	if json.Unmarshal(a.body, &ok) != nil || ok.MessageID == "" {
		return "", fmt.Errorf("the Graph API answered %d without a message_id", a.status)
	}
	return ok.MessageID, nil
}

// part is one Send API message of an outbound message.
type part struct {
	message sendMessage
	tag     string
}

// parts turns an outbound message into Send API messages, refusing
// (permanently) what the platform cannot carry.
func (pr *Provider) parts(msg conversation.Message) ([]part, error) {
	var c outContent
	if len(msg.Content) > 0 && string(msg.Content) != "null" {
		if err := json.Unmarshal(msg.Content, &c); err != nil {
			return nil, outbound.Permanent(fmt.Sprintf("the content of a %s message is not an object %s can send", msg.Type, pr.p.name))
		}
	}
	tag := strings.TrimSpace(c.MessageTag)
	text := msg.Text
	if text == "" {
		text = c.Text
	}
	if err := pr.checkText(text); err != nil {
		return nil, err
	}
	atts := c.Attachments
	if c.Attachment != nil {
		atts = append([]outAttachment{*c.Attachment}, atts...)
	}
	var parts []part
	switch {
	case len(atts) > 0:
		if strings.TrimSpace(text) != "" {
			parts = append(parts, part{message: sendMessage{Text: text}, tag: tag})
		}
		for _, a := range atts {
			typ := a.Type
			if typ == "document" {
				typ = "file"
			}
			if !contains(pr.p.attachments, typ) {
				return nil, outbound.Permanent(fmt.Sprintf("%s cannot send a %q attachment (it sends %s)", pr.p.name, a.Type,
					strings.Join(pr.p.attachments, ", ")))
			}
			if !strings.HasPrefix(a.URL, "https://") && !strings.HasPrefix(a.URL, "http://") {
				return nil, outbound.Permanent(fmt.Sprintf("%s sends attachments by URL: the %s attachment has no http(s) URL", pr.p.name, a.Type))
			}
			sa := &sendAttachment{Type: typ}
			sa.Payload.URL = a.URL
			parts = append(parts, part{message: sendMessage{Attachment: sa}, tag: tag})
		}
	case len(c.Replies) > 0:
		qr, err := quickReplies(c.Replies)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(text) == "" {
			return nil, outbound.Permanent("quick replies need a question text")
		}
		parts = append(parts, part{message: sendMessage{Text: text, QuickReplies: qr}, tag: tag})
	default:
		if strings.TrimSpace(text) == "" {
			return nil, outbound.Permanent(fmt.Sprintf("a %s message without text or attachment cannot be sent", msg.Type))
		}
		parts = append(parts, part{message: sendMessage{Text: text}, tag: tag})
	}
	return parts, nil
}

// checkText refuses a text over the platform's limit: Messenger's 2000
// characters, Instagram's 1000 bytes of UTF-8.
func (pr *Provider) checkText(text string) error {
	if pr.p.textBytes {
		if n := len(text); n > pr.p.maxText {
			return outbound.Permanent(fmt.Sprintf("%s carries at most %d bytes of text; this message has %d", pr.p.name, pr.p.maxText, n))
		}
		return nil
	}
	if n := utf8.RuneCountInString(text); n > pr.p.maxText {
		return outbound.Permanent(fmt.Sprintf("%s carries at most %d characters of text; this message has %d", pr.p.name, pr.p.maxText, n))
	}
	return nil
}

// quickReplies makes Meta's quick replies of a message's replies: at
// most MaxQuickReplies, titles cut to MaxQuickReplyTitle characters. A
// reply is a text, or an object with a title (Meta's {"title",
// "payload"}, or the {"text"} and {"label"} every channel reads:
// channel.ReplyTitle); one without a title is left out, as on every other
// channel. The payload is the object's own, else the option's whole text
// (what the contact's answer says); the contact sees the title.
func quickReplies(replies []json.RawMessage) ([]quickReply, error) {
	out := make([]quickReply, 0, len(replies))
	for _, raw := range replies {
		s := channel.ReplyTitle(raw)
		if s == "" {
			continue
		}
		var obj struct {
			Payload string `json:"payload"`
		}
		payload := s
		if json.Unmarshal(raw, &obj) == nil && strings.TrimSpace(obj.Payload) != "" {
			payload = obj.Payload
		}
		title, _ := limit.Truncate(s, MaxQuickReplyTitle, "…")
		out = append(out, quickReply{ContentType: "text", Title: title, Payload: limit.CutBytes(payload, 1000)})
	}
	if len(out) > MaxQuickReplies {
		return nil, outbound.Permanent(fmt.Sprintf("Meta carries at most %d quick replies; this message has %d", MaxQuickReplies, len(out)))
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
