package line

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// MaxTextLength is the longest text message, in characters: LINE counts
// 5,000 UTF-16 code units, so a longer text (or one of many emoji) goes
// out as several text messages.
const MaxTextLength = 5000

// Limits of the push message API.
const (
	// maxPerPush is how many message objects one push carries; LINE
	// delivers them together, in order.
	maxPerPush = 5
	// maxURLLen bounds a media URL.
	maxURLLen = 2000
	// maxLocationText bounds a location's title and address.
	maxLocationText = 100
)

// outContent is what Send reads of an outbound message's content: quick
// replies, attachments in the composer's ({"attachment": {…}}) and the
// workflow's ({"attachments": […]}) shapes, a location, a sticker.
type outContent struct {
	Text        string              `json:"text"`
	Replies     channel.ReplyTitles `json:"replies"`
	Attachment  *outAttach          `json:"attachment"`
	Attachments []outAttach         `json:"attachments"`
	Latitude    *float64            `json:"latitude"`
	Longitude   *float64            `json:"longitude"`
	Title       string              `json:"title"`
	Address     string              `json:"address"`
	Sticker     *outSticker         `json:"sticker"`
}

// outAttach is one file to send, by its URL (a stored file's URL under
// the node's public address, or one given).
type outAttach struct {
	Type     string `json:"type"` // image, video, audio, file
	URL      string `json:"url"`
	FileName string `json:"file_name"`
	// PreviewURL is a video's preview image, which LINE requires.
	PreviewURL string `json:"preview_url"`
	// DurationMS is an audio's length, which LINE requires.
	DurationMS int64 `json:"duration_ms"`
}

// outSticker is a LINE sticker, by its package's and its own id (as an
// inbound sticker's content names them).
type outSticker struct {
	PackageID string `json:"package_id"`
	StickerID string `json:"sticker_id"`
}

// object is one message object of a push.
type object = map[string]any

// pushAnswer is the push API's success (and 409) body.
type pushAnswer struct {
	SentMessages []struct {
		ID string `json:"id"`
	} `json:"sentMessages"`
}

// send delivers msg to the chat (a user, group or room id) with the push
// API, all of it in one push when it makes at most five message objects
// (LINE's limit per push): text, then files, a location or a sticker,
// the quick replies on the last. Every push carries a retry key derived
// from the message, so a retried push LINE already took answers 409,
// which is success. A message of more than five objects is several
// pushes; a retry resumes after those delivered (channel.SendParts). The
// provider id is the first object's, as LINE numbered it.
func (p *Provider) send(ctx context.Context, ch channel.Channel, to string, msg conversation.Message) (string, error) {
	cfg, ok := configOf(ch)
	if !ok {
		return "", outbound.Permanent("the channel has no channel access token configured")
	}
	objects, err := objectsOf(msg)
	if err != nil {
		return "", err
	}
	var pushes [][]object
	for len(objects) > 0 {
		n := min(len(objects), maxPerPush)
		pushes = append(pushes, objects[:n])
		objects = objects[n:]
	}
	c := p.client(cfg)
	ids, err := channel.SendParts(ctx, len(pushes), func(i int) (string, error) {
		return push(ctx, c, to, pushes[i], retryKey(ch, msg, i))
	})
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// push sends one push message request and returns the first message's id.
func push(ctx context.Context, c *client, to string, messages []object, key string) (string, error) {
	a, err := c.call(ctx, http.MethodPost, c.apiURL("/v2/bot/message/push"),
		map[string]any{"to": to, "messages": messages}, map[string]string{RetryKeyHeader: key})
	if err != nil {
		return "", err
	}
	if !a.ok() && a.status != http.StatusConflict {
		return "", classify("push", a)
	}
	// 409: a request with this key was accepted before (the answer to
	// it was lost): the messages went out then.
	var sent pushAnswer
	if json.Unmarshal(a.body, &sent) == nil && len(sent.SentMessages) > 0 && sent.SentMessages[0].ID != "" {
		return limit.CutBytes(sent.SentMessages[0].ID, conversation.MaxExternalLen), nil
	}
	if id := a.header.Get("X-Line-Accepted-Request-Id"); a.status == http.StatusConflict && id != "" {
		return limit.CutBytes("request:"+id, conversation.MaxExternalLen), nil
	}
	return "retry:" + key, nil
}

// objectsOf turns an outbound message into LINE message objects,
// refusing (permanently) what LINE cannot carry.
func objectsOf(msg conversation.Message) ([]object, error) {
	var c outContent
	if len(bytes.TrimSpace(msg.Content)) > 0 && msg.Type != "text" && msg.Type != "" {
		if err := json.Unmarshal(msg.Content, &c); err != nil {
			return nil, outbound.Permanent(fmt.Sprintf("the content of a %s message must be a JSON object", limit.Clip(msg.Type, 30)))
		}
	}
	text := msg.Text
	if text == "" {
		text = c.Text
	}
	atts := c.Attachments
	if c.Attachment != nil {
		atts = append([]outAttach{*c.Attachment}, atts...)
	}
	var out []object
	switch {
	case msg.Type == "template":
		return nil, outbound.Permanent("LINE has no message templates: send the text instead")
	case msg.Type == "location" && c.Latitude != nil && c.Longitude != nil:
		out = append(out, location(c))
	default:
		for _, chunk := range textChunks(text) {
			out = append(out, object{"type": "text", "text": chunk})
		}
		for _, a := range atts {
			o, err := attachment(a)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		if s := c.Sticker; s != nil && s.PackageID != "" && s.StickerID != "" {
			out = append(out, object{"type": "sticker", "packageId": s.PackageID, "stickerId": s.StickerID})
		}
	}
	if len(out) == 0 {
		return nil, outbound.Permanent(fmt.Sprintf("a %s message without text cannot be sent on LINE", limit.Clip(msg.Type, 30)))
	}
	qr, err := quickReplies(c.Replies)
	if err != nil {
		return nil, err
	}
	if qr != nil {
		// LINE shows quick replies only under the last message received.
		out[len(out)-1]["quickReply"] = qr
	}
	return out, nil
}

// textChunks cuts text into texts LINE takes (at most MaxTextLength
// UTF-16 code units each), on character boundaries; none for a blank text.
func textChunks(text string) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var out []string
	for text != "" {
		units, end := 0, 0
		for end < len(text) {
			r, size := utf8.DecodeRuneInString(text[end:])
			n := len(utf16.Encode([]rune{r}))
			if units+n > MaxTextLength {
				break
			}
			units += n
			end += size
		}
		out = append(out, text[:end])
		text = text[end:]
	}
	return out
}

// location is a location object: LINE requires a title and an address
// (at most 100 characters each), which default to each other and then to
// the coordinates.
func location(c outContent) object {
	coords := strconv.FormatFloat(*c.Latitude, 'f', -1, 64) + ", " + strconv.FormatFloat(*c.Longitude, 'f', -1, 64)
	title, address := strings.TrimSpace(c.Title), strings.TrimSpace(c.Address)
	if title == "" {
		title = address
	}
	if title == "" {
		title = coords
	}
	if address == "" {
		address = coords
	}
	title, _ = limit.Truncate(title, maxLocationText, "…")
	address, _ = limit.Truncate(address, maxLocationText, "…")
	return object{"type": "location", "title": title, "address": address, "latitude": *c.Latitude, "longitude": *c.Longitude}
}

// attachment is a file's message object. LINE fetches images, videos and
// audio itself from HTTPS URLs; a video needs a preview image and an
// audio its length, and LINE cannot send a bot's file at all: those
// without what LINE needs go as a text with the file's link, which the
// contact opens.
func attachment(a outAttach) (object, error) {
	u := strings.TrimSpace(a.URL)
	if _, ok := channel.HTTPURL(u); !ok {
		return nil, outbound.Permanent("LINE fetches attachments by URL and this one is not an absolute https URL " +
			"(set the node's --public-url to its https address so its files have one)")
	}
	if len(u) > maxURLLen {
		return nil, outbound.Permanent(fmt.Sprintf("the attachment's URL is longer than LINE's %d characters", maxURLLen))
	}
	media := strings.HasPrefix(u, "https://")
	preview := strings.TrimSpace(a.PreviewURL)
	switch a.Type {
	case "image":
		if !media {
			return nil, outbound.Permanent("LINE fetches images by https URL only; this one is " + schemeOf(u) +
				" (set the node's --public-url to its https address)")
		}
		if !strings.HasPrefix(preview, "https://") || len(preview) > maxURLLen {
			preview = u
		}
		return object{"type": "image", "originalContentUrl": u, "previewImageUrl": preview}, nil
	case "video":
		if media && strings.HasPrefix(preview, "https://") && len(preview) <= maxURLLen {
			return object{"type": "video", "originalContentUrl": u, "previewImageUrl": preview}, nil
		}
	case "audio":
		if media && a.DurationMS > 0 {
			return object{"type": "audio", "originalContentUrl": u, "duration": a.DurationMS}, nil
		}
	case "file", "document":
	default:
		return nil, outbound.Permanent(fmt.Sprintf("LINE cannot send an attachment of type %q", limit.Clip(a.Type, 30)))
	}
	return object{"type": "text", "text": strings.TrimSpace(limit.Clip(strings.TrimSpace(a.FileName), 200) + "\n" + u)}, nil
}

func schemeOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Scheme != "" {
		return p.Scheme
	}
	return "not a URL"
}
