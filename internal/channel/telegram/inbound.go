package telegram

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// messageID is the provider id of a message: Telegram numbers messages
// per chat, so the chat's id is part of it.
func messageID(chatID, id int64) string {
	return strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(id, 10)
}

// inbound turns an update received on ch into the items
// conversation.Receive stores: one for a message, an edit or a button
// press; a move of the contact for a group's upgrade notice; none for
// the kinds Switchboard does not read (my_chat_member…), which are
// acknowledged and dropped.
func inbound(ch channel.Channel, u Update) []conversation.Inbound {
	switch {
	case u.Message != nil:
		if in, ok := fromUpgrade(ch, u.Message); ok {
			return []conversation.Inbound{in}
		}
		in := fromMessage(ch, u.Message)
		return []conversation.Inbound{in}
	case u.EditedMessage != nil:
		m := u.EditedMessage
		in := fromMessage(ch, m)
		in.Kind = conversation.KindEdit
		in.Target = in.ProviderMessageID
		// Updates may come out of order: an edit before its message
		// is stored as the message, whose original is then a duplicate.
		in.KeepOrphan = true
		// Each edit is its own delivery, told apart by its update: a
		// redelivered edit is the same update, a later edit another —
		// even within one second, which edit_date cannot tell.
		in.ProviderMessageID += ":edit:" + strconv.FormatInt(u.UpdateID, 10)
		if m.EditDate > 0 {
			in.Timestamp = time.Unix(m.EditDate, 0).UTC()
		}
		// An edit of a file's message names its file (Media): the receive
		// path keeps the stored file when it is the message's (a
		// caption's edit) and fetches it when it is another (the contact
		// replaced the photo).
		return []conversation.Inbound{in}
	case u.CallbackQuery != nil:
		if in, ok := fromCallback(ch, u.CallbackQuery); ok {
			return []conversation.Inbound{in}
		}
	}
	return nil
}

// fromMessage maps a message the contact sent.
func fromMessage(ch channel.Channel, m *Message) conversation.Inbound {
	in := conversation.Inbound{
		Kind:              conversation.KindMessage,
		WorkspaceID:       ch.WorkspaceID,
		ChannelID:         ch.ID,
		ExternalID:        strconv.FormatInt(m.Chat.ID, 10),
		Profile:           profile(m.Chat, m.From),
		ProviderMessageID: messageID(m.Chat.ID, m.MessageID),
	}
	if m.Date > 0 {
		in.Timestamp = time.Unix(m.Date, 0).UTC()
	}
	content := map[string]any{}
	switch {
	case m.Text != "":
		in.Type, in.Text = "text", m.Text
		content["text"] = m.Text
	case m.Location != nil:
		in.Type = "location"
		content["latitude"], content["longitude"] = m.Location.Latitude, m.Location.Longitude
		if m.Venue != nil {
			in.Text = strings.TrimSpace(m.Venue.Title + "\n" + m.Venue.Address)
			content["address"], content["title"] = m.Venue.Address, m.Venue.Title
		}
	case m.Contact != nil:
		c := m.Contact
		in.Type = "contact"
		in.Text = strings.TrimSpace(strings.TrimSpace(c.FirstName+" "+c.LastName) + " " + c.PhoneNumber)
		content["contact"] = c
	default:
		ref, ok := media(m)
		if !ok {
			in.Type, in.Text = conversation.TypeUnsupported, m.Caption
			content["reason"] = "a Telegram message of a kind Switchboard does not show"
			// The timeline names an unsupported message by its
			// provider's type ("Unsupported message (poll)"); Telegram's
			// is the member that holds the message's content.
			if kind := messageKind(m.Raw); kind != "" {
				content["telegram_type"] = kind
			}
			break
		}
		in.Type, in.Text = "attachment", m.Caption
		in.Media = []conversation.MediaRef{ref}
		att := map[string]any{"type": ref.Kind, "file_id": ref.Ref}
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
		if m.Caption != "" {
			content["text"] = m.Caption
		}
	}
	content["type"] = in.Type
	in.Content = channel.ContentWithRaw(content, "telegram", m.Raw)
	return in
}

// fromUpgrade maps a notice of a group's upgrade to a supergroup, which
// takes another chat id: Telegram posts one in each chat,
// migrate_to_chat_id in the group's and migrate_from_chat_id in the
// supergroup's, in no promised order. Either one moves the contact (the
// chat) to the supergroup's id; neither is a message of the contact's,
// so it is stored as none (conversation.KindMoved).
func fromUpgrade(ch channel.Channel, m *Message) (conversation.Inbound, bool) {
	from, to := m.Chat.ID, m.MigrateToChatID
	if to == 0 {
		from, to = m.MigrateFromChatID, m.Chat.ID
	}
	if from == 0 {
		return conversation.Inbound{}, false
	}
	return conversation.Inbound{
		Kind:             conversation.KindMoved,
		WorkspaceID:      ch.WorkspaceID,
		ChannelID:        ch.ID,
		ExternalID:       strconv.FormatInt(to, 10),
		FormerExternalID: strconv.FormatInt(from, 10),
	}, true
}

// messageMembers are the members of a Message that any kind of message
// may carry (who, when, where, replies, forwards, formatting): what is
// left names the message's kind (poll, dice, game, story,
// new_chat_members…).
var messageMembers = map[string]bool{
	"message_id": true, "message_thread_id": true, "direct_messages_topic": true, "from": true, "sender_chat": true,
	"sender_boost_count": true, "sender_business_bot": true, "date": true, "business_connection_id": true, "chat": true,
	"forward_origin": true, "forward_from": true, "forward_from_chat": true, "forward_from_message_id": true,
	"forward_signature": true, "forward_sender_name": true, "forward_date": true, "is_topic_message": true,
	"is_automatic_forward": true, "reply_to_message": true, "external_reply": true, "quote": true, "reply_to_story": true,
	"reply_to_checklist_task_id": true, "via_bot": true, "edit_date": true, "has_protected_content": true,
	"is_from_offline": true, "is_paid_post": true, "media_group_id": true, "author_signature": true, "paid_star_count": true,
	"text": true, "entities": true, "link_preview_options": true, "suggested_post_info": true, "effect_id": true,
	"caption": true, "caption_entities": true, "show_caption_above_media": true, "has_media_spoiler": true, "reply_markup": true,
}

// messageKind is the kind of a message object as Telegram delivered it:
// its first member, by name, that is not one every message may carry;
// "" when it has none.
func messageKind(raw json.RawMessage) string {
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return ""
	}
	var kinds []string
	for k := range members {
		if !messageMembers[k] {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	slices.Sort(kinds)
	return limit.Clip(kinds[0], 50)
}

// media is the attachment of a message Telegram holds, if it has one. A
// photo comes in several sizes: the largest is kept.
func media(m *Message) (conversation.MediaRef, bool) {
	file := func(kind string, f *File, contentType string) (conversation.MediaRef, bool) {
		if f.FileID == "" {
			return conversation.MediaRef{}, false
		}
		if f.MimeType != "" {
			contentType = f.MimeType
		}
		return conversation.MediaRef{Ref: f.FileID, Kind: kind, ContentType: contentType, FileName: f.FileName,
			Size: max(f.FileSize, 0), Caption: m.Caption}, true
	}
	switch {
	case len(m.Photo) > 0:
		best := m.Photo[0]
		for _, p := range m.Photo[1:] {
			if p.Width*p.Height > best.Width*best.Height || (p.Width*p.Height == best.Width*best.Height && p.FileSize > best.FileSize) {
				best = p
			}
		}
		if best.FileID == "" {
			return conversation.MediaRef{}, false
		}
		return conversation.MediaRef{Ref: best.FileID, Kind: "image", ContentType: "image/jpeg", Size: max(best.FileSize, 0), Caption: m.Caption}, true
	case m.Sticker != nil:
		s := m.Sticker
		ct := "image/webp"
		switch {
		case s.IsVideo:
			ct = "video/webm"
		case s.IsAnimated:
			ct = "application/x-tgsticker"
		}
		if s.FileID == "" {
			return conversation.MediaRef{}, false
		}
		return conversation.MediaRef{Ref: s.FileID, Kind: "sticker", ContentType: ct, Size: max(s.FileSize, 0)}, true
	case m.Voice != nil:
		return file("audio", m.Voice, "audio/ogg")
	case m.Audio != nil:
		return file("audio", m.Audio, "audio/mpeg")
	case m.Video != nil:
		return file("video", m.Video, "video/mp4")
	case m.VideoNote != nil:
		return file("video", m.VideoNote, "video/mp4")
	case m.Animation != nil:
		// Telegram also sets document on an animation; the animation is
		// the truer kind.
		return file("video", m.Animation, "video/mp4")
	case m.Document != nil:
		return file("file", m.Document, "")
	}
	return conversation.MediaRef{}, false
}

// fromCallback maps a press on an inline keyboard's button to a message
// from the contact whose text is the option chosen. A press without data
// (a game's button) or on a message sent in inline mode (no chat) is not
// one of Switchboard's keyboards: none.
func fromCallback(ch channel.Channel, q *CallbackQuery) (conversation.Inbound, bool) {
	if q.Data == "" || q.Message == nil {
		return conversation.Inbound{}, false
	}
	chat := q.Message.Chat
	answer := answerOf(q)
	content := map[string]any{"type": "quick_reply", "text": answer, "payload": q.Data,
		"callback_query_id": q.ID}
	if q.Message.MessageID > 0 {
		content["reply_to"] = messageID(chat.ID, q.Message.MessageID)
	}
	from := q.From
	return conversation.Inbound{
		Kind:        conversation.KindMessage,
		WorkspaceID: ch.WorkspaceID,
		ChannelID:   ch.ID,
		ExternalID:  strconv.FormatInt(chat.ID, 10),
		Profile:     profile(chat, &from),
		// Callback query ids are unique: a redelivered press is stored once.
		ProviderMessageID: strconv.FormatInt(chat.ID, 10) + ":cb:" + q.ID,
		Type:              "quick_reply",
		Text:              answer,
		Content:           channel.ContentWithRaw(content, "telegram", nil),
	}, true
}

// profile is what the update tells about the contact: in a private chat,
// the user's names and language; in a group, its title as the contact's
// name (the group is the contact). Only what is given is set.
func profile(chat Chat, from *User) contact.Input {
	opt := func(s string) *string {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		return &s
	}
	if chat.Type != "" && chat.Type != "private" {
		return contact.Input{FirstName: opt(chat.Title)}
	}
	if from == nil {
		return contact.Input{FirstName: opt(chat.FirstName), LastName: opt(chat.LastName)}
	}
	return contact.Input{FirstName: opt(from.FirstName), LastName: opt(from.LastName), Language: opt(from.LanguageCode)}
}
