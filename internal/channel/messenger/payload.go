package messenger

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// MaxEvents bounds the messaging events of one delivery.
const MaxEvents = 1000

// Delivery is one webhook body of the Messenger Platform:
//
//	{"object": "page"|"instagram", "entry": [{"id": "<page or account id>", "time": …,
//	  "messaging": [{"sender": {"id"}, "recipient": {"id"}, "timestamp": …, "message"|"postback"|…: {…}}]}]}
//
// Entries carrying other fields (Instagram's "changes", Messenger's
// "standby" of the handover protocol) are not messaging and are left out.
type Delivery struct {
	Object string  `json:"object"`
	Entry  []Entry `json:"entry"`
}

// Entry is one page's (or account's) share of a delivery.
type Entry struct {
	ID        string  `json:"id"`
	Time      int64   `json:"time"`
	Messaging []Event `json:"messaging"`
	// NoSender counts the events left out for naming no sender (a
	// policy-enforcement notice names only the Page): nobody wrote them,
	// so no contact's conversation holds them.
	NoSender int `json:"-"`
}

// Event is one item of entry[].messaging[]. Exactly one of its payload
// members is usually set; Raw is the event as Meta sent it.
type Event struct {
	Sender    Party     `json:"sender"`
	Recipient Party     `json:"recipient"`
	Timestamp int64     `json:"timestamp"`
	Message   *Message  `json:"message"`
	Postback  *Postback `json:"postback"`
	Delivery  *Receipt  `json:"delivery"`
	Read      *Receipt  `json:"read"`
	Reaction  *Reaction `json:"reaction"`
	Edit      *Edit     `json:"message_edit"`

	Raw json.RawMessage `json:"-"`
}

// Party is a sender or recipient: a page- (or Instagram-) scoped id, or,
// from the chat plugin, a user_ref.
type Party struct {
	ID      string `json:"id"`
	UserRef string `json:"user_ref"`
}

// key is the party's id as Switchboard knows the contact.
func (p Party) key() string {
	if p.ID != "" {
		return p.ID
	}
	return p.UserRef
}

// Message is a message event: the contact's, or with IsEcho the page's
// own (sent from the Page inbox, another app or Switchboard).
type Message struct {
	MID           string          `json:"mid"`
	Text          string          `json:"text"`
	IsEcho        bool            `json:"is_echo"`
	AppID         json.RawMessage `json:"app_id"`
	Metadata      string          `json:"metadata"`
	QuickReply    *QuickReply     `json:"quick_reply"`
	Attachments   []Attachment    `json:"attachments"`
	ReplyTo       *ReplyTo        `json:"reply_to"`
	IsDeleted     bool            `json:"is_deleted"`     // Instagram: the contact unsent it
	IsUnsupported bool            `json:"is_unsupported"` // Instagram: a kind its API does not describe
}

// QuickReply is the quick reply the contact tapped.
type QuickReply struct {
	Payload string `json:"payload"`
}

// Attachment is one attachment of a message. Payload's members depend on
// Type: url (image, video, audio, file, share, story_mention, ig_reel,
// reel), sticker_id (a sticker: an image), coordinates (location), title
// (fallback and reels).
type Attachment struct {
	Type    string             `json:"type"`
	Title   string             `json:"title"` // fallback
	URL     string             `json:"url"`   // fallback
	Payload *AttachmentPayload `json:"payload"`
}

// AttachmentPayload is an attachment's payload.
type AttachmentPayload struct {
	URL         string          `json:"url"`
	Title       string          `json:"title"`
	StickerID   json.RawMessage `json:"sticker_id"`
	Coordinates *struct {
		Lat  float64 `json:"lat"`
		Long float64 `json:"long"`
	} `json:"coordinates"`
}

// ReplyTo is what an Instagram message replies to: one of the
// conversation's messages, or a story of the account.
type ReplyTo struct {
	MID   string `json:"mid"`
	Story *struct {
		URL string `json:"url"`
		ID  string `json:"id"`
	} `json:"story"`
}

// Postback is a tap on a button (a template's, the persistent menu's or
// Get Started).
type Postback struct {
	MID     string `json:"mid"`
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// Receipt is a delivery or read event: the messages it names (mids,
// Instagram's mid) and/or a watermark, the time up to which every message
// the page sent was delivered or read.
type Receipt struct {
	MIDs      []string `json:"mids"`
	MID       string   `json:"mid"`
	Watermark int64    `json:"watermark"`
}

// Reaction is a reaction added to or removed from a message.
type Reaction struct {
	MID      string `json:"mid"`
	Action   string `json:"action"`   // react or unreact
	Reaction string `json:"reaction"` // smile, angry, sad, wow, love, like, dislike, other
	Emoji    string `json:"emoji"`
}

// Edit is an edited message: its new text and how many edits it had.
type Edit struct {
	MID     string `json:"mid"`
	Text    string `json:"text"`
	NumEdit int    `json:"num_edit"`
}

// Parse reads a webhook body. It refuses (400) what is not the Messenger
// Platform's shape: not a JSON object, members of the wrong JSON type,
// ids too long to be Meta's, more than MaxEvents events. An event without
// a sender is left out (counted in its entry's NoSender), not refused:
// Meta sends some (policy-enforcement), and a 400 would have it redeliver
// the whole batch, the contacts' messages in it too. It guarantees every
// event's sender key and every id it carries are valid UTF-8 without
// NUL, at most conversation.MaxExternalLen bytes.
func Parse(body []byte) (Delivery, error) {
	var wire struct {
		Object string `json:"object"`
		Entry  []struct {
			ID        json.RawMessage   `json:"id"`
			Time      int64             `json:"time"`
			Messaging []json.RawMessage `json:"messaging"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return Delivery{}, apperr.BadRequest("the body is not a Messenger Platform webhook: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("null")) {
		return Delivery{}, apperr.BadRequest("the body is not a Messenger Platform webhook: null")
	}
	d := Delivery{Object: wire.Object}
	n := 0
	for i, we := range wire.Entry {
		e := Entry{ID: idText(we.ID), Time: we.Time}
		if !okID(e.ID) {
			return Delivery{}, apperr.BadRequest("entry[%d].id is not an id", i)
		}
		for j, raw := range we.Messaging {
			if n++; n > MaxEvents {
				return Delivery{}, apperr.BadRequest("more than %d messaging events", MaxEvents)
			}
			var ev Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				return Delivery{}, apperr.BadRequest("entry[%d].messaging[%d]: %v", i, j, strings.TrimPrefix(err.Error(), "json: "))
			}
			if ev.Sender.key() == "" {
				e.NoSender++
				continue
			}
			if err := checkEvent(ev); err != "" {
				return Delivery{}, apperr.BadRequest("entry[%d].messaging[%d]: %s", i, j, err)
			}
			ev.Raw = raw
			e.Messaging = append(e.Messaging, ev)
		}
		d.Entry = append(d.Entry, e)
	}
	return d, nil
}

// idText reads an id Meta gives as a string (or, in some examples, a
// number).
func idText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if len(raw) > 0 && raw[0] >= '0' && raw[0] <= '9' {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// checkEvent says what makes an event unusable, or "".
func checkEvent(ev Event) string {
	ids := []string{ev.Sender.key(), ev.Recipient.key()}
	if m := ev.Message; m != nil {
		ids = append(ids, m.MID)
		if m.ReplyTo != nil {
			ids = append(ids, m.ReplyTo.MID)
		}
	}
	if ev.Postback != nil {
		ids = append(ids, ev.Postback.MID)
	}
	for _, r := range []*Receipt{ev.Delivery, ev.Read} {
		if r != nil {
			ids = append(ids, r.MID)
			ids = append(ids, r.MIDs...)
		}
	}
	if ev.Reaction != nil {
		ids = append(ids, ev.Reaction.MID)
	}
	if ev.Edit != nil {
		ids = append(ids, ev.Edit.MID)
	}
	for _, id := range ids {
		if id != "" && !okID(id) {
			return "an id is not valid (too long, or not text)"
		}
	}
	return ""
}

// okID: an id any store keeps and a later event can match.
func okID(s string) bool {
	return len(s) <= conversation.MaxExternalLen-maxIDSuffix && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// maxIDSuffix leaves room for the suffixes some provider message ids get
// (":edit:12", "postback:…").
const maxIDSuffix = 32
