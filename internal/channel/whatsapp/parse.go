package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Parse reads a webhook body. A body that is not the documented envelope
// (not JSON, another object, a message or status without its id) is a
// 400: Meta retries, and nothing of it is stored.
func Parse(body []byte) (Envelope, error) {
	var env Envelope
	if len(bytes.TrimSpace(body)) == 0 {
		return env, apperr.BadRequest("the body is empty; a WhatsApp webhook is expected")
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return env, apperr.BadRequest("the body is not a WhatsApp webhook: %s", limit.Clip(strings.TrimPrefix(err.Error(), "json: "), 200))
	}
	if env.Object != ObjectWABA {
		return env, apperr.BadRequest("object %q is not %q", limit.Clip(env.Object, 50), ObjectWABA)
	}
	for i, e := range env.Entry {
		if e.Time != "" {
			if _, err := e.Time.Int64(); err != nil {
				return env, apperr.BadRequest("entry[%d].time is not Unix seconds", i)
			}
		}
		for j, c := range e.Changes {
			path := fmt.Sprintf("entry[%d].changes[%d].value", i, j)
			if c.Field == fieldTemplateStatus && (c.Value.Event == "" || c.Value.TemplateName == "" || c.Value.TemplateLanguage == "") {
				return env, apperr.BadRequest("%s has no event, message_template_name or message_template_language", path)
			}
			for k, m := range c.Value.Messages {
				if m.ID == "" || m.From == "" {
					return env, apperr.BadRequest("%s.messages[%d] has no id or no from", path, k)
				}
				if err := checkTimestamp(m.Timestamp); err != nil {
					return env, apperr.BadRequest("%s.messages[%d].timestamp %v", path, k, err)
				}
			}
			for k, s := range c.Value.Statuses {
				if s.ID == "" || s.Status == "" {
					return env, apperr.BadRequest("%s.statuses[%d] has no id or no status", path, k)
				}
				if err := checkTimestamp(s.Timestamp); err != nil {
					return env, apperr.BadRequest("%s.statuses[%d].timestamp %v", path, k, err)
				}
			}
		}
	}
	return env, nil
}

// checkTimestamp accepts Unix seconds as a string, or nothing.
func checkTimestamp(ts string) error {
	if ts == "" {
		return nil
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return fmt.Errorf("is not Unix seconds")
	}
	return nil
}

// unix reads a timestamp Parse accepted.
func unix(ts string) time.Time {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// inbound turns what env holds for the phone number phoneNumberID into
// the items conversation.Receive stores, in the envelope's order. Changes
// for another phone number (the same app serving several) are left out.
func inbound(ch channel.Channel, phoneNumberID string, env Envelope) []conversation.Inbound {
	var out []conversation.Inbound
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			v := c.Value
			if v.Metadata.PhoneNumberID != phoneNumberID {
				continue
			}
			names := map[string]string{}
			for _, ct := range v.Contacts {
				names[ct.WaID] = ct.Profile.Name
			}
			for _, m := range v.Messages {
				in := messageInbound(m)
				in.WorkspaceID, in.ChannelID = ch.WorkspaceID, ch.ID
				in.ExternalID = m.From
				in.Profile = profile(m.From, names[m.From])
				out = append(out, in)
			}
			for _, s := range v.Statuses {
				out = append(out, statusInbound(ch, s))
			}
		}
	}
	return out
}

// profile is what WhatsApp tells of a contact: their phone number (wa_id
// is the number without its "+") and their profile name.
func profile(waID, name string) contact.Input {
	var in contact.Input
	if digits.MatchString(waID) {
		phone := "+" + waID
		in.Phone = &phone
	}
	in.FirstName, in.LastName = contact.DisplayName(name)
	return in
}

// statusInbound is a delivery status of a message the business sent.
func statusInbound(ch channel.Channel, s Status) conversation.Inbound {
	in := conversation.Inbound{
		Kind:              conversation.KindStatus,
		WorkspaceID:       ch.WorkspaceID,
		ChannelID:         ch.ID,
		ExternalID:        s.RecipientID,
		ProviderMessageID: s.ID,
		Timestamp:         unix(s.Timestamp),
		Status:            s.Status,
	}
	if st, ok := mapStatus(s.Status); ok {
		in.Status = st
	}
	if len(s.Errors) > 0 {
		in.Reason = s.Errors[0].reason()
	}
	return in
}

// reason is an error as an agent reads it: the title (or message), the
// details when they say more, and the code.
func (e APIError) reason() string {
	text := e.Title
	if text == "" {
		text = e.Message
	}
	if d := e.ErrorData.Details; d != "" && d != text {
		if text == "" {
			text = d
		} else {
			text += ": " + d
		}
	}
	if e.Code != 0 {
		text += fmt.Sprintf(" (code %d)", e.Code)
	}
	return strings.TrimSpace(text)
}

// attachmentKinds are the media message types and the attachment kind
// each is stored as.
var attachmentKinds = map[string]string{"image": "image", "audio": "audio", "video": "video", "document": "file", "sticker": "sticker"}

// messageInbound maps one message by its type. The stored content is in
// the shape the app reads (text, attachment, location, quick_reply…)
// with the message as WhatsApp sent it under "whatsapp".
func messageInbound(m Message) conversation.Inbound {
	in := conversation.Inbound{
		Kind:              conversation.KindMessage,
		ProviderMessageID: m.ID,
		Timestamp:         unix(m.Timestamp),
	}
	content := map[string]any{}
	switch m.Type {
	case "text":
		if m.Text == nil {
			return unsupported(in, m)
		}
		in.Type, in.Text = "text", m.Text.Body
	case "image", "audio", "video", "document", "sticker":
		md := m.media()
		if md == nil || md.ID == "" {
			return unsupported(in, m)
		}
		kind := attachmentKinds[m.Type]
		in.Type, in.Text = "attachment", md.Caption
		in.Media = []conversation.MediaRef{{Ref: md.ID, Kind: kind, ContentType: md.MimeType, FileName: md.Filename, Caption: md.Caption}}
		att := map[string]any{"type": kind, "content_type": md.MimeType}
		if md.Filename != "" {
			att["file_name"] = md.Filename
		}
		content["attachment"] = att
	case "location":
		if m.Location == nil {
			return unsupported(in, m)
		}
		l := m.Location
		in.Type = "location"
		in.Text = strings.TrimSpace(strings.Join(nonEmpty(l.Name, l.Address), ", "))
		content["latitude"], content["longitude"] = l.Latitude, l.Longitude
		if l.Name != "" {
			content["name"] = l.Name
		}
		if l.Address != "" {
			content["address"] = l.Address
		}
	case "contacts":
		if len(m.Contacts) == 0 {
			return unsupported(in, m)
		}
		in.Type, in.Text = "contacts", sharedContacts(m.Contacts)
	case "interactive":
		r := m.reply()
		if r == nil {
			return unsupported(in, m)
		}
		in.Type, in.Text = "quick_reply", replyText(*r)
		content["title"], content["payload"] = r.Title, r.ID
	case "button":
		if m.Button == nil {
			return unsupported(in, m)
		}
		in.Type, in.Text = "quick_reply", m.Button.Text
		content["title"], content["payload"] = m.Button.Text, m.Button.Payload
	case "reaction":
		if m.Reaction == nil || m.Reaction.MessageID == "" {
			return unsupported(in, m)
		}
		in.Kind, in.Type = conversation.KindReaction, "reaction"
		in.Target, in.Text = m.Reaction.MessageID, m.Reaction.Emoji
	default:
		return unsupported(in, m)
	}
	content["type"] = in.Type
	if in.Text != "" {
		content["text"] = in.Text
	}
	if m.Context != nil && m.Context.ID != "" {
		content["reply_to"] = m.Context.ID
	}
	content["whatsapp"] = m.Raw
	in.Content = encode(content)
	return in
}

// encode is a stored message's content: with WhatsApp's payload when it
// fits the store's limit, else without it (a huge contacts card, say), so
// the message is kept rather than the delivery refused.
func encode(content map[string]any) json.RawMessage {
	raw, _ := json.Marshal(content)
	if len(raw) > conversation.MaxContentBytes {
		delete(content, "whatsapp")
		content["whatsapp_omitted"] = "the payload was over the stored content's limit"
		if raw, _ = json.Marshal(content); len(raw) > conversation.MaxContentBytes {
			// The text alone is over it: the message's text keeps it (cut).
			raw, _ = json.Marshal(map[string]any{"type": content["type"], "whatsapp_omitted": content["whatsapp_omitted"]})
		}
	}
	return raw
}

// unsupported stores a message Switchboard does not show (type
// "unsupported" or "unknown", or one yet to be documented) with
// WhatsApp's payload and, when it says why, its error.
func unsupported(in conversation.Inbound, m Message) conversation.Inbound {
	in.Kind, in.Type = conversation.KindMessage, conversation.TypeUnsupported
	content := map[string]any{"type": conversation.TypeUnsupported, "whatsapp_type": limit.Clip(m.Type, 50), "whatsapp": m.Raw}
	if len(m.Errors) > 0 {
		content["reason"] = m.Errors[0].reason()
	}
	in.Content = encode(content)
	return in
}

func (m Message) media() *Media {
	switch m.Type {
	case "image":
		return m.Image
	case "audio":
		return m.Audio
	case "video":
		return m.Video
	case "document":
		return m.Document
	case "sticker":
		return m.Sticker
	}
	return nil
}

func (m Message) reply() *Reply {
	if m.Interactive == nil {
		return nil
	}
	switch m.Interactive.Type {
	case "button_reply":
		return m.Interactive.ButtonReply
	case "list_reply":
		return m.Interactive.ListReply
	}
	return nil
}

// replyText is the text of a chosen button or row: its title, or the
// option the title was shortened from (Send puts the whole option in the
// id when WhatsApp's title limit cut it), so Ask a Question recognises it.
func replyText(r Reply) string {
	if prefix, cut := strings.CutSuffix(r.Title, ellipsis); cut && strings.HasPrefix(r.ID, prefix) {
		return r.ID
	}
	return r.Title
}

// sharedContacts is the text of shared contact cards: each name with its
// first phone number.
func sharedContacts(cards []json.RawMessage) string {
	var lines []string
	for _, raw := range cards {
		var c struct {
			Name struct {
				Formatted string `json:"formatted_name"`
			} `json:"name"`
			Phones []struct {
				Phone string `json:"phone"`
			} `json:"phones"`
		}
		if json.Unmarshal(raw, &c) != nil {
			continue
		}
		parts := []string{c.Name.Formatted}
		if len(c.Phones) > 0 {
			parts = append(parts, c.Phones[0].Phone)
		}
		if line := strings.Join(nonEmpty(parts...), " "); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
