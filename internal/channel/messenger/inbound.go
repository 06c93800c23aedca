package messenger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// metadataPrefix marks the messages Switchboard sends (message.metadata,
// returned on their echo), so the echo of a message already stored as
// sent is not stored a second time.
const metadataPrefix = "switchboard:"

// inbound turns a delivery received on ch into the items the receive
// path stores, in the delivery's order. Entries of another page or
// account than the channel's (one Meta app delivers every page it serves
// to the same URL) are left out and counted in skipped, as are events
// without a sender (Parse left them out). A delivery or
// read watermark becomes a status with a Watermark, which the receive
// path applies to every message sent to the contact up to it.
func (pr *Provider) inbound(ch channel.Channel, cfg Config, d Delivery) (items []conversation.Inbound, skipped int) {
	for _, e := range d.Entry {
		if e.ID != "" && cfg.id() != "" && e.ID != cfg.id() {
			// Said aloud: a mistyped id would otherwise leave every
			// message out without a trace.
			if len(e.Messaging) > 0 {
				slog.Warn("webhook entry of another page or account left out", "type", pr.p.typ, "channel_id", ch.ID,
					"entry_id", e.ID, "configured_id", cfg.id(), "events", len(e.Messaging))
			}
			skipped += len(e.Messaging) + e.NoSender
			continue
		}
		if e.NoSender > 0 {
			slog.Info("webhook events without a sender left out", "type", pr.p.typ, "channel_id", ch.ID,
				"entry_id", e.ID, "events", e.NoSender)
			skipped += e.NoSender
		}
		for _, ev := range e.Messaging {
			got, own := pr.event(ch, ev)
			if own {
				skipped++
			}
			items = append(items, got...)
		}
	}
	return items, skipped
}

// event maps one messaging event; own reports the echo of a message
// Switchboard sent, which maps to nothing.
func (pr *Provider) event(ch channel.Channel, ev Event) (items []conversation.Inbound, own bool) {
	base := conversation.Inbound{WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, ExternalID: ev.Sender.key()}
	if ev.Timestamp > 0 && ev.Timestamp < maxMillis {
		base.Timestamp = time.UnixMilli(ev.Timestamp).UTC()
	}
	switch {
	case ev.Message != nil:
		m := ev.Message
		in := base
		in.Kind, in.ProviderMessageID = conversation.KindMessage, m.MID
		if m.IsEcho {
			if pr.p.metadata && strings.HasPrefix(m.Metadata, metadataPrefix) {
				return nil, true
			}
			// The page wrote: the contact is the recipient.
			in.Kind, in.ExternalID = conversation.KindEcho, ev.Recipient.key()
			if in.ExternalID == "" {
				return []conversation.Inbound{unsupported(base, ev)}, false
			}
		}
		if m.IsDeleted && m.MID != "" {
			// Instagram: the contact unsent the message. Recorded as an
			// edit of it to nothing, so its original is kept and shown
			// as removed.
			in.Kind, in.Target, in.ProviderMessageID = conversation.KindEdit, m.MID, m.MID+":deleted"
			in.Type, in.Content = "deleted", object(map[string]any{"type": "deleted", "mid": m.MID})
			return []conversation.Inbound{in}, false
		}
		messageContent(&in, m, ev.Raw)
		return []conversation.Inbound{in}, false
	case ev.Postback != nil:
		pb := ev.Postback
		in := base
		in.Kind, in.Type = conversation.KindMessage, "postback"
		in.ProviderMessageID = pb.MID
		if in.ProviderMessageID == "" {
			// Older postbacks have no mid: the sender and time name it,
			// so a redelivery is still stored once.
			in.ProviderMessageID = "postback:" + ev.Sender.key() + ":" + strconv.FormatInt(ev.Timestamp, 10)
		}
		in.Text = pb.Title
		if in.Text == "" {
			in.Text = pb.Payload
		}
		in.Content = object(map[string]any{"type": "postback", "title": pb.Title, "payload": pb.Payload})
		return []conversation.Inbound{in}, false
	case ev.Delivery != nil:
		return pr.receipt(ch, base, ev.Delivery, channel.StatusDelivered), false
	case ev.Read != nil:
		return pr.receipt(ch, base, ev.Read, channel.StatusRead), false
	case ev.Reaction != nil && ev.Reaction.MID != "":
		r := ev.Reaction
		in := base
		in.Kind, in.Type, in.Target = conversation.KindReaction, "reaction", r.MID
		if r.Action != "unreact" {
			in.Text = r.Emoji
			if in.Text == "" {
				in.Text = reactionEmoji[r.Reaction]
			}
		}
		in.Content = object(map[string]any{"type": "reaction", "action": r.Action, "reaction": r.Reaction, "emoji": r.Emoji})
		return []conversation.Inbound{in}, false
	case ev.Edit != nil && ev.Edit.MID != "":
		e := ev.Edit
		in := base
		in.Kind, in.Type, in.Target, in.Text = conversation.KindEdit, "text", e.MID, e.Text
		in.ProviderMessageID = e.MID + ":edit:" + strconv.Itoa(e.NumEdit)
		in.Content = object(map[string]any{"type": "text", "text": e.Text, "num_edit": e.NumEdit})
		return []conversation.Inbound{in}, false
	}
	// Referrals, opt-ins, account linking, handover, feedback…: kept as
	// what they are, never dropped.
	return []conversation.Inbound{unsupported(base, ev)}, false
}

// maxMillis bounds a timestamp to a valid time (year 9999).
const maxMillis = 253402300799999

// reactionEmoji is the emoji of Messenger's named reactions, for the
// events that give only the name.
var reactionEmoji = map[string]string{
	"smile": "😆", "angry": "😠", "sad": "😢", "wow": "😮", "love": "❤️", "like": "👍", "dislike": "👎",
}

// unsupported is an event kept as the provider's payload.
func unsupported(base conversation.Inbound, ev Event) conversation.Inbound {
	base.Kind, base.Type = conversation.KindMessage, conversation.TypeUnsupported
	base.Content = rawObject(ev.Raw)
	if ev.Message != nil {
		base.ProviderMessageID = ev.Message.MID
	}
	if base.ProviderMessageID == "" {
		base.ProviderMessageID = eventID(ev)
	}
	return base
}

// eventID names an event that has no mid (a referral, an opt-in…) by
// its kind, sender and time, as a postback without mid is, so that a
// redelivery is stored once; one too long to store is named by its
// digest.
func eventID(ev Event) string {
	var members map[string]json.RawMessage
	_ = json.Unmarshal(ev.Raw, &members)
	var kinds []string
	for k := range members {
		if k != "sender" && k != "recipient" && k != "timestamp" {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	id := "event:" + strings.Join(kinds, "+") + ":" + ev.Sender.key() + ":" + strconv.FormatInt(ev.Timestamp, 10)
	if len(id) > conversation.MaxExternalLen || !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
		sum := sha256.Sum256([]byte(id))
		id = "event:" + hex.EncodeToString(sum[:16])
	}
	return id
}

// receipt maps a delivery or read event: the messages it names, and
// those the sent log knows its watermark covers.
func (pr *Provider) receipt(ch channel.Channel, base conversation.Inbound, r *Receipt, status string) []conversation.Inbound {
	seen := map[string]bool{}
	var items []conversation.Inbound
	add := func(mid string) {
		if mid == "" || seen[mid] {
			return
		}
		seen[mid] = true
		in := base
		in.Kind, in.Status, in.ProviderMessageID = conversation.KindStatus, status, mid
		items = append(items, in)
	}
	add(r.MID)
	for _, mid := range r.MIDs {
		add(mid)
	}
	if r.Watermark > 0 && r.Watermark < maxMillis {
		in := base
		in.Kind, in.Status, in.Watermark = conversation.KindStatus, status, time.UnixMilli(r.Watermark).UTC()
		items = append(items, in)
	}
	return items
}

// messageContent fills a message's type, text, content and media.
func messageContent(in *conversation.Inbound, m *Message, raw json.RawMessage) {
	in.Text = m.Text
	switch {
	case m.IsUnsupported:
		in.Type, in.Content = conversation.TypeUnsupported, rawObject(raw)
	case len(m.Attachments) > 0:
		attachments(in, m, raw)
	case m.QuickReply != nil:
		// The payload Switchboard set is the option's whole text; the
		// title the contact saw may be cut to 20 characters.
		in.Type = "quick_reply"
		if m.QuickReply.Payload != "" {
			in.Text = m.QuickReply.Payload
		}
		in.Content = object(map[string]any{"type": "quick_reply", "text": m.Text, "payload": m.QuickReply.Payload})
	case m.ReplyTo != nil && m.ReplyTo.Story != nil:
		in.Type = "story_reply"
		in.Content = object(map[string]any{"type": "story_reply", "text": m.Text, "story_id": m.ReplyTo.Story.ID,
			"attachment": map[string]any{"type": "story", "url": m.ReplyTo.Story.URL}})
	case m.Text != "":
		in.Type = "text"
		c := map[string]any{"type": "text", "text": m.Text}
		if m.ReplyTo != nil && m.ReplyTo.MID != "" {
			c["reply_to"] = m.ReplyTo.MID
		}
		in.Content = object(c)
	default:
		in.Type, in.Content = conversation.TypeUnsupported, rawObject(raw)
	}
}

// mediaKinds maps the attachment types whose bytes are fetched to the
// media kinds of the receive path.
var mediaKinds = map[string]string{"image": "image", "video": "video", "audio": "audio", "file": "file"}

// linkTypes are attachments that point at something rather than carry
// it: a shared post or reel, a story mention (whose media Meta forbids
// storing), a link the contact shared (fallback).
var linkTypes = map[string]bool{"share": true, "ig_reel": true, "reel": true, "story_mention": true, "fallback": true}

// attachments fills a message with attachments. The message's type is
// the first attachment's: attachment (media, fetched later from the CDN
// URL), location, a link type, or unsupported. A file whose URL the
// receive path cannot keep is left out under dropped_attachments.
func attachments(in *conversation.Inbound, m *Message, raw json.RawMessage) {
	var listed, more, dropped []map[string]any
	for _, a := range m.Attachments {
		p := a.Payload
		if p == nil {
			p = &AttachmentPayload{}
		}
		url := p.URL
		if url == "" {
			url = a.URL
		}
		title := p.Title
		if title == "" {
			title = a.Title
		}
		if kind, ok := mediaKinds[a.Type]; ok && url != "" {
			if len(p.StickerID) > 0 && string(p.StickerID) != "null" {
				kind = "sticker"
			}
			if limit.Text("url", url, conversation.MaxMediaRefLen) != nil {
				// A URL the receive path would refuse (and with it the
				// whole delivery): only this file is left out, named in
				// the content.
				dropped = append(dropped, map[string]any{"type": kind, "reason": fmt.Sprintf(
					"its URL is longer than %d characters, or not text", conversation.MaxMediaRefLen)})
				continue
			}
			if len(in.Media) == conversation.MaxMedia {
				// More files than the receive path fetches (it refuses
				// the item, and so the whole delivery): the rest are
				// kept as their links.
				more = append(more, map[string]any{"type": kind, "url": url})
				continue
			}
			in.Media = append(in.Media, conversation.MediaRef{Ref: url, Kind: kind, FileName: fileName(url)})
			listed = append(listed, map[string]any{"type": kind, "url": url})
			continue
		}
		switch {
		case a.Type == "location" && p.Coordinates != nil:
			if in.Type == "" {
				in.Type = "location"
				in.Content = object(map[string]any{"type": "location", "latitude": p.Coordinates.Lat, "longitude": p.Coordinates.Long,
					"title": title, "text": m.Text})
				if in.Text == "" {
					in.Text = title
				}
			}
		case linkTypes[a.Type] && url != "":
			listed = append(listed, map[string]any{"type": a.Type, "url": url, "file_name": title})
		default:
			listed = append(listed, map[string]any{"type": a.Type, "unsupported": true})
		}
	}
	if in.Type == "location" {
		return
	}
	if len(listed) == 0 {
		in.Type, in.Content = conversation.TypeUnsupported, rawObject(raw)
		return
	}
	first := listed[0]
	switch t, _ := first["type"].(string); {
	case first["unsupported"] == true:
		in.Type, in.Content, in.Media = conversation.TypeUnsupported, rawObject(raw), nil
		return
	case linkTypes[t]:
		in.Type = t
	default:
		in.Type = "attachment"
	}
	c := map[string]any{"type": in.Type, "attachment": first}
	if len(listed) > 1 {
		c["attachments"] = listed
	}
	if len(more) > 0 {
		c["more_attachments"] = more
	}
	if len(dropped) > 0 {
		c["dropped_attachments"] = dropped
	}
	if m.Text != "" {
		c["text"] = m.Text
	}
	in.Content = object(c)
}

// fileName is the last segment of a CDN URL's path, when it looks like
// a file's name.
func fileName(url string) string {
	if i := strings.IndexAny(url, "?#"); i >= 0 {
		url = url[:i]
	}
	name := url[strings.LastIndexByte(url, '/')+1:]
	if !strings.Contains(name, ".") || len(name) > 200 {
		return ""
	}
	return name
}

// object encodes a content object, cut down to its type when it is over
// the receive path's bound.
func object(v map[string]any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil || len(b) > conversation.MaxContentBytes {
		b, _ = json.Marshal(map[string]any{"type": v["type"], "truncated": true})
	}
	return b
}

// rawObject keeps a provider object as it came, within the bound.
func rawObject(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if len(raw) == 0 || raw[0] != '{' || json.Compact(&b, raw) != nil || b.Len() > conversation.MaxContentBytes {
		return object(map[string]any{"type": conversation.TypeUnsupported})
	}
	return b.Bytes()
}
