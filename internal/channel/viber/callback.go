package viber

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// The callbacks' events ("event"), as Viber names them.
const (
	EventWebhook             = "webhook" // the check set_webhook makes of the URL
	EventMessage             = "message"
	EventSubscribed          = "subscribed"
	EventUnsubscribed        = "unsubscribed"
	EventConversationStarted = "conversation_started"
	EventDelivered           = "delivered"
	EventSeen                = "seen"
	EventFailed              = "failed"
)

// Callback is one callback Viber posts to the webhook, with the members
// Switchboard reads. Which are set depends on Event.
type Callback struct {
	Event     string `json:"event"`
	Timestamp int64  `json:"timestamp"` // milliseconds since the epoch
	// MessageToken is the message's id: the contact's message (message),
	// or ours a receipt is about (delivered, seen, failed).
	MessageToken Token `json:"message_token"`
	// Sender is who wrote a message; User who subscribed or opened the
	// conversation; UserID whom a receipt or an unsubscription is about.
	Sender  *User    `json:"sender,omitempty"`
	User    *User    `json:"user,omitempty"`
	UserID  string   `json:"user_id,omitempty"`
	Message *Message `json:"message,omitempty"`
	// Desc says why a message failed (failed).
	Desc string `json:"desc,omitempty"`
	// Subscribed, on conversation_started, says whether the user already is.
	Subscribed bool `json:"subscribed,omitempty"`
	// Raw is the message object as delivered (message).
	Raw json.RawMessage `json:"-"`
}

// Token is a message token: a 64-bit number in Viber's JSON (beyond
// what a float64 holds exactly), kept as its decimal digits. A string
// of digits is read too.
type Token string

// UnmarshalJSON reads a whole number or a string of one.
func (t *Token) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*t = ""
		return nil
	}
	if unq, ok := strings.CutPrefix(s, `"`); ok {
		s = strings.TrimSuffix(unq, `"`)
	}
	if s == "" || len(s) > 40 || strings.Trim(s, "0123456789") != "" {
		return apperr.BadRequest("message_token must be a whole number")
	}
	*t = Token(s)
	return nil
}

// User is a Viber user as callbacks describe them: the id is theirs for
// this bot alone. Name and avatar are placeholders when the user turned
// content personalisation off.
type User struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Avatar     string `json:"avatar,omitempty"`
	Country    string `json:"country,omitempty"`
	Language   string `json:"language,omitempty"`
	APIVersion int    `json:"api_version,omitempty"`
}

// Message is what a user sent: its type says which members are set.
type Message struct {
	Type string `json:"type"` // text, picture, video, file, sticker, contact, location, url
	Text string `json:"text,omitempty"`
	// Media is the URL of a picture's, video's, file's or sticker's
	// bytes (which Viber serves for an hour), or the link of a url
	// message.
	Media        string   `json:"media,omitempty"`
	Thumbnail    string   `json:"thumbnail,omitempty"`
	FileName     string   `json:"file_name,omitempty"`
	FileSize     int64    `json:"file_size,omitempty"`
	Duration     float64  `json:"duration,omitempty"`
	StickerID    int64    `json:"sticker_id,omitempty"`
	Location     *Point   `json:"location,omitempty"`
	Contact      *Contact `json:"contact,omitempty"`
	TrackingData string   `json:"tracking_data,omitempty"`
}

// Point is a location.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Contact is a phone contact the user shared.
type Contact struct {
	Name        string `json:"name"`
	PhoneNumber string `json:"phone_number"`
	Avatar      string `json:"avatar,omitempty"`
}

// Parse reads a callback. A body that is not a JSON object, without an
// event, with a member of the wrong JSON type, or a message or receipt
// without what names it (its token, its user) is a 400
// (apperr.KindBadRequest): Viber never sends those. An event Switchboard
// does not read is parsed with Event set.
func Parse(body []byte) (Callback, error) {
	var cb Callback
	if !utf8.Valid(body) {
		return cb, apperr.BadRequest("the callback is not valid UTF-8")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return cb, apperr.BadRequest("the callback must be a JSON object")
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		if apperr.KindOf(err) != "" {
			return Callback{}, err
		}
		return Callback{}, apperr.BadRequest("callback: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	cb.Event = strings.TrimSpace(cb.Event)
	if cb.Event == "" {
		return Callback{}, apperr.BadRequest("event is required")
	}
	if len(cb.Event) > 50 {
		return Callback{}, apperr.BadRequest("event is longer than 50 bytes")
	}
	switch cb.Event {
	case EventMessage:
		if cb.MessageToken == "" {
			return Callback{}, apperr.BadRequest("message_token is required")
		}
		if cb.Sender == nil || strings.TrimSpace(cb.Sender.ID) == "" {
			return Callback{}, apperr.BadRequest("sender.id is required")
		}
		if cb.Message == nil || strings.TrimSpace(cb.Message.Type) == "" {
			return Callback{}, apperr.BadRequest("message.type is required")
		}
		if err := checkIDs(cb.Sender.ID, string(cb.MessageToken)); err != nil {
			return Callback{}, err
		}
		if len(cb.Message.Media) > conversation.MaxMediaRefLen {
			return Callback{}, apperr.BadRequest("message.media is longer than %d bytes", conversation.MaxMediaRefLen)
		}
		var buf bytes.Buffer
		if json.Compact(&buf, members["message"]) == nil {
			cb.Raw = buf.Bytes()
		}
	case EventDelivered, EventSeen, EventFailed:
		if cb.MessageToken == "" {
			return Callback{}, apperr.BadRequest("message_token is required")
		}
		if strings.TrimSpace(cb.UserID) == "" {
			return Callback{}, apperr.BadRequest("user_id is required")
		}
		if err := checkIDs(cb.UserID, string(cb.MessageToken)); err != nil {
			return Callback{}, err
		}
	}
	return cb, nil
}

// checkIDs refuses a user id or token that cannot be stored: Viber's are
// a few dozen characters.
func checkIDs(user, token string) error {
	if err := limit.Param("the user id", user, conversation.MaxExternalLen); err != nil {
		return err
	}
	return limit.Param("message_token", token, conversation.MaxExternalLen)
}
