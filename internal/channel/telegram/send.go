package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// MaxTextLength is the longest text of a message, in characters.
const MaxTextLength = 4096

// MaxCaptionLength is the longest caption of a photo, video, audio or
// document, in characters: a longer text goes in a message of its own.
const MaxCaptionLength = 1024

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

// outAttach is one attachment to send: a file of the node's media store
// (the composer's, with its media_id), uploaded, or one given by URL.
type outAttach struct {
	Type     string `json:"type"` // image, video, audio, file
	URL      string `json:"url"`
	FileName string `json:"file_name"`
	MediaID  string `json:"media_id"`
}

// sentMessage is the part of a sent Message that Send reads.
type sentMessage struct {
	MessageID int64 `json:"message_id"`
	Chat      struct {
		ID int64 `json:"id"`
	} `json:"chat"`
}

// mediaMethods are the methods sending an attachment by URL and the
// parameter holding it, by attachment type.
var mediaMethods = map[string][2]string{
	"image":   {"sendPhoto", "photo"},
	"video":   {"sendVideo", "video"},
	"audio":   {"sendAudio", "audio"},
	"file":    {"sendDocument", "document"},
	"sticker": {"sendSticker", "sticker"},
}

// chatID is the chat_id parameter: the contact's chat id as a number, or
// as given (an @username) when it is not one.
func chatID(externalID string) any {
	if n, err := strconv.ParseInt(externalID, 10, 64); err == nil {
		return n
	}
	return externalID
}

// send delivers msg to the chat and returns its provider id,
// "<chat id>:<message id>" as inbound messages are named. A message with
// several attachments (a workflow's) is one call per file, the text as
// the first one's caption, and its id is the first file's; should a later
// call fail, the retry resumes after the files already delivered
// (channel.SendParts: the Bot API has no idempotency key).
func (p *Provider) send(ctx context.Context, ch channel.Channel, chat string, msg conversation.Message) (string, error) {
	cfg, ok := configOf(ch)
	if !ok {
		return "", outbound.Permanent("the channel has no bot token configured")
	}
	c := p.client(cfg)
	var content outContent
	if len(bytes.TrimSpace(msg.Content)) > 0 && msg.Type != "text" && msg.Type != "" {
		if err := json.Unmarshal(msg.Content, &content); err != nil {
			return "", outbound.Permanent(fmt.Sprintf("the content of a %s message must be a JSON object", msg.Type))
		}
	}
	text := msg.Text
	if text == "" {
		text = content.Text
	}
	base := map[string]any{"chat_id": chatID(chat)}
	var attachments []outAttach
	if content.Attachment != nil {
		attachments = append(attachments, *content.Attachment)
	}
	attachments = append(attachments, content.Attachments...)

	// calls are the Bot API calls the message takes, in order; one with a
	// file uploads it under the method's parameter.
	type call struct {
		method string
		params map[string]any
		file   *outAttach
	}
	var calls []call
	textCall := func(text string, replies []string) call {
		params := clone(base)
		params["text"] = text
		if kb := keyboard(replies); kb != nil {
			params["reply_markup"] = kb
		}
		return call{"sendMessage", params, nil}
	}
	switch {
	case len(attachments) > 0:
		caption := text
		if limit.Len(caption) > MaxCaptionLength || attachments[0].Type == "sticker" {
			// Too long for a caption, or a sticker, which takes none: the
			// text follows as a message of its own (below), never dropped.
			caption = ""
		}
		for i, a := range attachments {
			mm, known := mediaMethods[a.Type]
			if !known {
				return "", outbound.Permanent(fmt.Sprintf("Telegram cannot send an attachment of type %q", limit.Clip(a.Type, 30)))
			}
			params := clone(base)
			if i == 0 && caption != "" {
				params["caption"] = caption
			}
			if a.MediaID != "" && p.Files != nil {
				calls = append(calls, call{mm[0], params, &a})
				continue
			}
			if strings.TrimSpace(a.URL) == "" {
				return "", outbound.Permanent("the attachment has no URL")
			}
			if _, ok := channel.HTTPURL(a.URL); !ok {
				// Telegram downloads the file itself: a path alone (a node
				// without a public URL) cannot reach it.
				return "", outbound.Permanent("Telegram fetches attachments by URL and this one is not an absolute http(s) URL " +
					"(set the node's --public-url so its files have one)")
			}
			params[mm[1]] = a.URL
			calls = append(calls, call{mm[0], params, nil})
		}
		if text != "" && caption == "" {
			// No caption could carry it: the text follows as a message.
			calls = append(calls, textCall(text, nil))
		}
	case msg.Type == "location" && content.Latitude != nil && content.Longitude != nil:
		params := clone(base)
		params["latitude"], params["longitude"] = *content.Latitude, *content.Longitude
		calls = append(calls, call{"sendLocation", params, nil})
	case msg.Type == "template":
		return "", outbound.Permanent("Telegram has no message templates: send the text instead")
	default:
		if strings.TrimSpace(text) == "" {
			return "", outbound.Permanent(fmt.Sprintf("a %s message without text cannot be sent on Telegram", limit.Clip(msg.Type, 30)))
		}
		calls = append(calls, textCall(text, content.Replies))
	}
	do := func(i int, m *sentMessage) error {
		if f := calls[i].file; f != nil {
			return p.uploadFile(ctx, c, ch, calls[i].method, calls[i].params, *f, m)
		}
		return c.call(ctx, calls[i].method, calls[i].params, m)
	}
	ids, err := channel.SendParts(ctx, len(calls), func(i int) (string, error) {
		var m sentMessage
		err := do(i, &m)
		if to := migratedTo(err); to != 0 {
			// The group became a supergroup, which Telegram names: the
			// message goes there, and so does the contact's identity,
			// so later sends go there at once.
			p.moveIdentity(ctx, ch, chat, to)
			chat = strconv.FormatInt(to, 10)
			for j := range calls {
				calls[j].params["chat_id"] = to
			}
			err = do(i, &m)
		}
		if err != nil {
			return "", err
		}
		id := m.Chat.ID
		if id == 0 {
			id, _ = strconv.ParseInt(chat, 10, 64)
		}
		return messageID(id, m.MessageID), nil
	})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// migratedTo is the supergroup's chat id when err says the chat was a
// group upgraded to it; 0 otherwise.
func migratedTo(err error) int64 {
	var e *APIError
	if errors.As(err, &e) {
		return e.MigrateTo
	}
	return 0
}

// moveIdentity makes the contact known by the chat id to (best effort:
// the message goes there all the same, and the next send learns it
// again should this fail).
func (p *Provider) moveIdentity(ctx context.Context, ch channel.Channel, from string, to int64) {
	if p.Identities == nil {
		return
	}
	if err := p.Identities.MoveIdentity(ctx, ch.WorkspaceID, ch.ID, from, strconv.FormatInt(to, 10)); err != nil {
		slog.Warn("telegram: the contact of an upgraded group could not be moved to the supergroup", "channel_id", ch.ID, "err", err)
	}
}

// clone copies a parameter map.
func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+3)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// uploadFile sends a stored file with method, uploading its bytes under
// the method's file parameter (photo, document…).
func (p *Provider) uploadFile(ctx context.Context, c *client, ch channel.Channel, method string, params map[string]any, a outAttach, out any) error {
	file, name, err := p.Files.Open(ctx, ch.WorkspaceID, a.MediaID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return outbound.Permanent("the attachment is no longer stored")
	}
	if err != nil {
		// The store cannot be read for now: the message is sent later.
		return fmt.Errorf("telegram: open the attachment: %w", err)
	}
	defer file.Close()
	if a.FileName != "" {
		name = a.FileName
	}
	if name == "" {
		name = "file"
	}
	return c.upload(ctx, method, params, mediaMethods[a.Type][1], name, file, out)
}
