package viber

import (
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// inbound turns a callback received on ch into the items
// conversation.Receive stores:
//
//	message                      the contact's message (a keyboard press among them)
//	delivered, seen, failed      the status of our message message_token names
//	webhook                      none: set_webhook's check of the URL
//	subscribed                   none: a subscription is no message; the user's
//	                             first message (which subscribes them too) opens
//	                             the conversation
//	unsubscribed                 none: sends to the user fail from now on
//	                             (receiverNotSubscribed), and say so
//	conversation_started         none: the user opened the chat and wrote
//	                             nothing yet (no welcome message is sent)
//
// Any other event is acknowledged and dropped.
func inbound(ch channel.Channel, cb Callback) []conversation.Inbound {
	switch cb.Event {
	case EventMessage:
		return []conversation.Inbound{fromMessage(ch, cb)}
	case EventDelivered, EventSeen, EventFailed:
		return []conversation.Inbound{fromReceipt(ch, cb)}
	}
	return nil
}

// fromMessage maps a message the contact sent. Its message_token is the
// provider id: a redelivered callback (Viber retries for an hour until it
// gets a 200) is stored once.
func fromMessage(ch channel.Channel, cb Callback) conversation.Inbound {
	m := cb.Message
	in := conversation.Inbound{
		Kind:              conversation.KindMessage,
		WorkspaceID:       ch.WorkspaceID,
		ChannelID:         ch.ID,
		ExternalID:        cb.Sender.ID,
		Profile:           profile(cb.Sender),
		ProviderMessageID: string(cb.MessageToken),
		Timestamp:         timeOf(cb.Timestamp),
	}
	content := map[string]any{}
	switch m.Type {
	case "text":
		in.Type, in.Text = "text", m.Text
		content["text"] = m.Text
		if answer, ok := pressed(m.Text, m.TrackingData); ok {
			// A press on a button of the keyboard we sent: Viber posts the
			// button's ActionBody as the contact's text.
			in.Type = "quick_reply"
			content["payload"] = answer
		}
	case "url":
		in.Type, in.Text = "text", m.Media
		content["text"], content["url"] = m.Media, m.Media
	case "location":
		in.Type = "location"
		if m.Location != nil {
			content["latitude"], content["longitude"] = m.Location.Lat, m.Location.Lon
		}
		if t := strings.TrimSpace(m.Text); t != "" {
			in.Text = t
			content["address"] = t
		}
	case "contact":
		in.Type = "contact"
		if c := m.Contact; c != nil {
			in.Text = strings.TrimSpace(c.Name + " " + c.PhoneNumber)
			content["contact"] = map[string]string{"name": c.Name, "phone_number": c.PhoneNumber}
		}
	default:
		ref, ok := media(m)
		if !ok {
			in.Type, in.Text = conversation.TypeUnsupported, m.Text
			content["reason"] = "a Viber message of a kind Switchboard does not show"
			content["viber_type"] = limit.Clip(m.Type, 50)
			break
		}
		in.Type, in.Text = "attachment", ref.Caption
		in.Media = []conversation.MediaRef{ref}
		att := map[string]any{"type": ref.Kind}
		if ref.FileName != "" {
			att["file_name"] = ref.FileName
		}
		if ref.ContentType != "" {
			att["content_type"] = ref.ContentType
		}
		if ref.Size > 0 {
			att["size"] = ref.Size
		}
		content["attachment"] = att
		if ref.Caption != "" {
			content["text"] = ref.Caption
		}
		if m.StickerID != 0 {
			content["sticker_id"] = m.StickerID
		}
	}
	content["type"] = in.Type
	in.Content = channel.ContentWithRaw(content, "viber", cb.Raw)
	return in
}

// mediaKinds are the message types whose bytes Viber holds at a URL, and
// the attachment kind and content type each is stored as (Viber's
// pictures are JPEG, its videos MP4, its stickers PNG).
var mediaKinds = map[string][2]string{
	"picture": {"image", "image/jpeg"},
	"video":   {"video", "video/mp4"},
	"file":    {"file", ""},
	"sticker": {"sticker", "image/png"},
}

// media is the attachment of a message Viber holds at a URL, if it has
// one: a picture, a video, a file or a sticker's image.
func media(m *Message) (conversation.MediaRef, bool) {
	kind, ok := mediaKinds[m.Type]
	if !ok || !isHTTPURL(m.Media) {
		return conversation.MediaRef{}, false
	}
	ref := conversation.MediaRef{Ref: m.Media, Kind: kind[0], ContentType: kind[1],
		FileName: limit.Clip(strings.TrimSpace(m.FileName), 200), Size: max(m.FileSize, 0)}
	if m.Type != "sticker" {
		ref.Caption = m.Text
	}
	if ref.FileName == "" && m.Type == "file" {
		if u, err := url.Parse(m.Media); err == nil && path.Base(u.Path) != "/" && path.Base(u.Path) != "." {
			ref.FileName = limit.Clip(path.Base(u.Path), 200)
		}
	}
	return ref, true
}

// fromReceipt maps a delivery receipt of a message the bot sent, named by
// the message_token send_message answered (Send's provider id).
func fromReceipt(ch channel.Channel, cb Callback) conversation.Inbound {
	in := conversation.Inbound{
		Kind:              conversation.KindStatus,
		WorkspaceID:       ch.WorkspaceID,
		ChannelID:         ch.ID,
		ExternalID:        cb.UserID,
		ProviderMessageID: string(cb.MessageToken),
		Timestamp:         timeOf(cb.Timestamp),
	}
	in.Status, _ = mapStatus(cb.Event)
	if cb.Event == EventFailed {
		in.Reason = strings.TrimSpace(cb.Desc)
		if in.Reason == "" {
			in.Reason = "Viber could not deliver the message"
		}
	}
	return in
}

// timeOf is a callback's timestamp (milliseconds since the epoch); zero
// when it has none or an absurd one, so the receive path uses its clock.
func timeOf(ms int64) time.Time {
	if ms <= 0 || ms > 1<<52 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// profile is what a message tells about the contact: their name (split
// at the first blank), avatar, language and country, the last three only
// when they can be stored as they are.
func profile(u *User) contact.Input {
	opt := func(s string, max int) *string {
		s = strings.TrimSpace(limit.Clean(s))
		if s == "" || limit.Len(s) > max {
			return nil
		}
		return &s
	}
	var in contact.Input
	in.FirstName, in.LastName = contact.DisplayName(u.Name)
	if isHTTPURL(u.Avatar) {
		in.AvatarURL = opt(u.Avatar, contact.MaxAvatarURLLen)
	}
	in.Language = opt(u.Language, contact.MaxLanguageLen)
	in.Country = opt(u.Country, contact.MaxCountryLen)
	return in
}

// isHTTPURL reports whether s is an absolute http(s) URL.
func isHTTPURL(s string) bool {
	_, ok := channel.HTTPURL(s)
	return ok
}
