package viber

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// MaxTextLength is the longest text message, in characters.
const MaxTextLength = 7000

// MaxCaptionLength is the longest description of a picture, in
// characters: a longer text goes in a message of its own.
const MaxCaptionLength = 512

// MaxFileNameLength is the longest file name a file message carries.
const MaxFileNameLength = 256

// MaxURLLength is the longest link a url message carries.
const MaxURLLength = 2000

// MinAPIVersion is the min_api_version of every message: nothing
// Switchboard sends (reply keyboards among them) needs a newer client.
const MinAPIVersion = 1

// outContent is what Send reads of an outbound message's content: quick
// replies, attachments in the composer's ({"attachment": {…}}) and the
// workflow's ({"attachments": […]}) shapes, and a location.
type outContent struct {
	Text        string              `json:"text"`
	Replies     channel.ReplyTitles `json:"replies"`
	Attachment  *outAttach          `json:"attachment"`
	Attachments []outAttach         `json:"attachments"`
	Latitude    *float64            `json:"latitude"`
	Longitude   *float64            `json:"longitude"`
}

// outAttach is one attachment to send. Viber fetches every file itself by
// its URL: there is no upload.
type outAttach struct {
	Type     string `json:"type"` // image, video, audio, file, sticker
	URL      string `json:"url"`
	FileName string `json:"file_name"`
	Size     int64  `json:"size"`
}

// part is one send_message call: its type and type-specific members
// (text, media, size, file_name, location…).
type part map[string]any

// send delivers msg to the user and returns its provider id, the
// message_token of send_message's answer, which receipts name. A message
// Viber carries in several messages (files, then a text no description
// could hold) is one call each, and its id is the first one's; should a
// later call fail, the retry resumes after those already delivered
// (channel.SendParts: the API has no idempotency key). Quick replies
// become the keyboard of the last one.
func (p *Provider) send(ctx context.Context, ch channel.Channel, receiver string, msg conversation.Message) (string, error) {
	cfg, ok := configOf(ch)
	if !ok {
		return "", outbound.Permanent("the channel has no authentication token configured")
	}
	if strings.TrimSpace(cfg.SenderName) == "" {
		return "", outbound.Permanent("the channel has no sender name configured: Viber requires one")
	}
	var content outContent
	if len(bytes.TrimSpace(msg.Content)) > 0 && msg.Type != "text" && msg.Type != "" {
		if err := json.Unmarshal(msg.Content, &content); err != nil {
			return "", outbound.Permanent(fmt.Sprintf("the content of a %s message must be a JSON object", limit.Clip(msg.Type, 30)))
		}
	}
	text := msg.Text
	if text == "" {
		text = content.Text
	}
	parts, err := partsOf(msg.Type, text, content)
	if err != nil {
		return "", err
	}
	kb := keyboard(content.Replies)
	c := p.client(cfg)
	ids, err := channel.SendParts(ctx, len(parts), func(i int) (string, error) {
		body := map[string]any{"receiver": receiver, "min_api_version": MinAPIVersion, "sender": sender(cfg)}
		for k, v := range parts[i] {
			body[k] = v
		}
		if i == len(parts)-1 && kb != nil {
			body["keyboard"] = kb
			if td := trackingData(kb); td != "" {
				body["tracking_data"] = td
			}
		}
		a, err := c.call(ctx, "send_message", body)
		if err != nil {
			return "", err
		}
		if a.MessageToken == "" {
			return "", fmt.Errorf("viber: send_message: the answer has no message_token")
		}
		return string(a.MessageToken), nil
	})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// sender is send_message's sender: the configured name and avatar.
func sender(cfg Config) map[string]string {
	s := map[string]string{"name": cfg.SenderName}
	if cfg.SenderAvatar != "" {
		s["avatar"] = cfg.SenderAvatar
	}
	return s
}

// partsOf is what send_message must carry, in order, for a message of
// type typ with text and content.
func partsOf(typ, text string, content outContent) ([]part, error) {
	var attachments []outAttach
	if content.Attachment != nil {
		attachments = append(attachments, *content.Attachment)
	}
	attachments = append(attachments, content.Attachments...)
	switch {
	case len(attachments) > 0:
		var parts []part
		caption := text
		if limit.Len(caption) > MaxCaptionLength || mediaType(attachments[0]) != "picture" {
			// Only a picture has a description, of at most 512
			// characters: otherwise the text follows as a message of its
			// own (below), never dropped.
			caption = ""
		}
		for i, a := range attachments {
			pt, err := attachmentPart(a)
			if err != nil {
				return nil, err
			}
			if pt["type"] == "picture" {
				pt["text"] = "" // required, may be empty
				if i == 0 {
					pt["text"] = caption
				}
			}
			parts = append(parts, pt)
		}
		if strings.TrimSpace(text) != "" && caption == "" {
			t, err := textPart(text)
			if err != nil {
				return nil, err
			}
			parts = append(parts, t)
		}
		return parts, nil
	case typ == "location" && content.Latitude != nil && content.Longitude != nil:
		return []part{{"type": "location", "location": map[string]float64{"lat": *content.Latitude, "lon": *content.Longitude}}}, nil
	case typ == "template":
		return nil, outbound.Permanent("Viber has no message templates: send the text instead")
	}
	if strings.TrimSpace(text) == "" {
		return nil, outbound.Permanent(fmt.Sprintf("a %s message without text cannot be sent on Viber", limit.Clip(typ, 30)))
	}
	t, err := textPart(text)
	if err != nil {
		return nil, err
	}
	return []part{t}, nil
}

// textPart is a text message, refused when longer than Viber carries
// (rather than cut: the agent decides what to leave out).
func textPart(text string) (part, error) {
	if n := limit.Len(text); n > MaxTextLength {
		return nil, outbound.Permanent(fmt.Sprintf("the text is %d characters long; Viber carries at most %d", n, MaxTextLength))
	}
	return part{"type": "text", "text": text}, nil
}

// mediaType is the send_message type of an attachment: Viber has no
// audio message, so a recording goes as a file; a sticker given by URL is
// an image (Viber's own stickers are named by sticker_id, which
// Switchboard's have not).
func mediaType(a outAttach) string {
	switch a.Type {
	case "image", "sticker":
		return "picture"
	case "video":
		return "video"
	case "file", "audio", "document":
		return "file"
	}
	return ""
}

// attachmentPart is the message of one attachment, given by its URL:
// Viber downloads it. A video or a file must state its size; when the
// size is not known (a workflow's file given by URL alone), the file goes
// as a link (a url message) rather than not at all.
func attachmentPart(a outAttach) (part, error) {
	typ := mediaType(a)
	if typ == "" {
		return nil, outbound.Permanent(fmt.Sprintf("Viber cannot send an attachment of type %q", limit.Clip(a.Type, 30)))
	}
	u, ok := channel.HTTPURL(strings.TrimSpace(a.URL))
	if !ok {
		return nil, outbound.Permanent("Viber fetches attachments by URL and this one is not an absolute http(s) URL " +
			"(set the node's --public-url so its files have one)")
	}
	link := u.String()
	switch {
	case typ == "picture":
		return part{"type": "picture", "media": link}, nil
	case a.Size <= 0:
		if len(link) > MaxURLLength {
			return nil, outbound.Permanent("the attachment's URL is longer than Viber's 2,000 characters")
		}
		return part{"type": "url", "media": link}, nil
	case typ == "video":
		return part{"type": "video", "media": link, "size": a.Size}, nil
	}
	name := strings.TrimSpace(a.FileName)
	if name == "" {
		name = path.Base(u.Path)
	}
	if name == "" || name == "/" || name == "." {
		name = "file"
	}
	name, _ = limit.Truncate(name, MaxFileNameLength, "")
	return part{"type": "file", "media": link, "size": a.Size, "file_name": name}, nil
}
