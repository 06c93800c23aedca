package line

import (
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// inbound turns a delivery received on ch into the items
// conversation.Receive stores, one per message or postback event; the
// other events (follow, unfollow, join, unsend, beacon…) are counted in
// skipped with the malformed ones, acknowledged and dropped.
//
// The contact is the chat the event comes from: the user in a
// one-to-one chat, the group or the room otherwise (as Telegram's groups
// are), so that replies are pushed where the question was asked; the
// member who wrote in a group is kept in the content's sender_user_id.
func inbound(ch channel.Channel, d Delivery) (items []conversation.Inbound, skipped int) {
	skipped = d.Malformed
	for _, e := range d.Events {
		var in conversation.Inbound
		ok := false
		switch {
		case e.Source.ChatID() == "":
		case e.Type == "message" && e.Message != nil:
			in, ok = fromMessage(ch, e), true
		case e.Type == "postback" && e.Postback != nil:
			in, ok = fromPostback(ch, e)
		}
		if !ok {
			skipped++
			continue
		}
		items = append(items, in)
	}
	return items, skipped
}

// base is what every item of an event has: the channel, the contact
// (the chat), the time.
func base(ch channel.Channel, e Event) conversation.Inbound {
	in := conversation.Inbound{
		Kind:        conversation.KindMessage,
		WorkspaceID: ch.WorkspaceID,
		ChannelID:   ch.ID,
		ExternalID:  e.Source.ChatID(),
	}
	if e.Timestamp > 0 {
		in.Timestamp = time.UnixMilli(e.Timestamp).UTC()
	}
	return in
}

// fromMessage maps a message event. LINE's message ids are unique and a
// redelivered event carries the same one, so it is the provider id: the
// receive path stores a redelivery once.
func fromMessage(ch channel.Channel, e Event) conversation.Inbound {
	m := e.Message
	in := base(ch, e)
	in.ProviderMessageID = m.ID
	content := map[string]any{}
	switch m.Type {
	case "text":
		in.Type, in.Text = "text", m.Text
		content["text"] = m.Text
	case "location":
		in.Type = "location"
		in.Text = strings.TrimSpace(m.Title + "\n" + m.Address)
		content["latitude"], content["longitude"] = m.Latitude, m.Longitude
		if m.Title != "" {
			content["title"] = m.Title
		}
		if m.Address != "" {
			content["address"] = m.Address
		}
	case "sticker":
		// LINE serves no sticker's image through its API: the sticker is
		// kept by its ids (and shown by its type), with the text a
		// message sticker carries.
		in.Type, in.Text = "sticker", m.Text
		content["sticker"] = map[string]any{"package_id": m.PackageID, "sticker_id": m.StickerID,
			"resource_type": m.ResourceType, "keywords": m.Keywords}
	case "image", "video", "audio", "file":
		ref, ok := media(m)
		if !ok {
			in.Type = conversation.TypeUnsupported
			content["reason"] = "a LINE " + m.Type + " message whose file has no URL"
			content["line_type"] = m.Type
			break
		}
		in.Type = "attachment"
		in.Media = []conversation.MediaRef{ref}
		att := map[string]any{"type": ref.Kind, "message_id": m.ID}
		if ref.FileName != "" {
			att["file_name"] = ref.FileName
		}
		if ref.ContentType != "" {
			att["content_type"] = ref.ContentType
		}
		if ref.Size > 0 {
			att["size"] = ref.Size
		}
		if m.Duration > 0 {
			att["duration_ms"] = m.Duration
		}
		content["attachment"] = att
	default:
		in.Type = conversation.TypeUnsupported
		content["reason"] = "a LINE message of a kind Switchboard does not show"
		content["line_type"] = limit.CutBytes(m.Type, 50)
	}
	content["type"] = in.Type
	if e.Source.Type != "user" && e.Source.UserID != "" {
		content["sender_user_id"] = e.Source.UserID
	}
	in.Content = channel.ContentWithRaw(content, "line", m.Raw)
	return in
}

// media is the file of an image, video, audio or file message: the
// message's id, for the content API, when LINE holds it; the URL when an
// external provider does (contentProvider.type "external").
func media(m *Message) (conversation.MediaRef, bool) {
	ref := conversation.MediaRef{Ref: m.ID, Kind: m.Type, FileName: m.FileName, Size: max(m.FileSize, 0)}
	// LINE hands images out as JPEG, videos as MP4 and voice as M4A; a
	// file keeps its own type, which its download says.
	switch m.Type {
	case "image":
		ref.ContentType = "image/jpeg"
	case "video":
		ref.ContentType = "video/mp4"
	case "audio":
		ref.ContentType = "audio/mp4"
	}
	if p := m.ContentProvider; p != nil && p.Type == "external" {
		u := strings.TrimSpace(p.OriginalContentURL)
		if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			return conversation.MediaRef{}, false
		}
		ref.Ref = u
	}
	return ref, true
}

// fromPostback maps a postback: the contact's answer, whose text is the
// option chosen (see answerOf). A postback has no message id; its event
// id, the same when LINE redelivers it, names it.
func fromPostback(ch channel.Channel, e Event) (conversation.Inbound, bool) {
	answer := answerOf(*e.Postback)
	if strings.TrimSpace(answer) == "" {
		return conversation.Inbound{}, false
	}
	in := base(ch, e)
	id := e.WebhookEventID
	if id == "" {
		id = e.Source.ChatID() + ":" + strconv.FormatInt(e.Timestamp, 10)
	}
	in.ProviderMessageID = "postback:" + id
	in.Type, in.Text = "quick_reply", answer
	content := map[string]any{"type": "quick_reply", "text": answer, "payload": e.Postback.Data}
	if len(e.Postback.Params) > 0 {
		content["params"] = e.Postback.Params
	}
	if e.Source.Type != "user" && e.Source.UserID != "" {
		content["sender_user_id"] = e.Source.UserID
	}
	in.Content = channel.ContentWithRaw(content, "line", nil)
	return in, true
}
