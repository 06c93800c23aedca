package line

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Delivery is one webhook request's body: the bot's user id and the
// events, which LINE may batch. An empty events list is LINE's check of
// the webhook URL (the console's Verify button).
type Delivery struct {
	Destination string
	Events      []Event
	// Malformed is how many events could not be read (a member of the
	// wrong JSON type, a message without its id or sender): they are
	// skipped, the others stored.
	Malformed int
}

// Event is one webhook event, with the members Switchboard reads.
type Event struct {
	Type            string `json:"type"` // message, postback, follow, unfollow, join, unsend…
	Mode            string `json:"mode"` // active, or standby while another module channel has the chat
	Timestamp       int64  `json:"timestamp"`
	WebhookEventID  string `json:"webhookEventId"` // a ULID, the same when the event is redelivered
	DeliveryContext struct {
		IsRedelivery bool `json:"isRedelivery"`
	} `json:"deliveryContext"`
	Source   Source    `json:"source"`
	Message  *Message  `json:"message,omitempty"`
	Postback *Postback `json:"postback,omitempty"`
}

// Source is where an event happened: a one-to-one chat with a user, a
// group chat or a multi-person chat (room). In a group or room, userId
// is the member who acted, when LINE gives it.
type Source struct {
	Type    string `json:"type"` // user, group, room
	UserID  string `json:"userId,omitempty"`
	GroupID string `json:"groupId,omitempty"`
	RoomID  string `json:"roomId,omitempty"`
}

// ChatID is the id of the chat the source names: the user's id in a
// one-to-one chat, else the group's or the room's ("" if missing). It is
// the contact's identity on the channel and where replies are pushed.
func (s Source) ChatID() string {
	switch s.Type {
	case "user":
		return s.UserID
	case "group":
		return s.GroupID
	case "room":
		return s.RoomID
	}
	return ""
}

// Message is a message a user sent. Raw is the object as delivered.
type Message struct {
	ID              string           `json:"id"`
	Type            string           `json:"type"` // text, image, video, audio, file, location, sticker
	Text            string           `json:"text,omitempty"`
	QuotedMessageID string           `json:"quotedMessageId,omitempty"`
	ContentProvider *ContentProvider `json:"contentProvider,omitempty"`
	Duration        int64            `json:"duration,omitempty"` // video and audio, in milliseconds
	FileName        string           `json:"fileName,omitempty"`
	FileSize        int64            `json:"fileSize,omitempty"`
	Title           string           `json:"title,omitempty"`
	Address         string           `json:"address,omitempty"`
	Latitude        float64          `json:"latitude,omitempty"`
	Longitude       float64          `json:"longitude,omitempty"`
	PackageID       string           `json:"packageId,omitempty"`
	StickerID       string           `json:"stickerId,omitempty"`
	ResourceType    string           `json:"stickerResourceType,omitempty"`
	Keywords        []string         `json:"keywords,omitempty"`
	Raw             json.RawMessage  `json:"-"`
}

// ContentProvider says who holds an image, video or audio: "line" (get
// it from the content API by the message's id) or "external" (at
// originalContentUrl, a message an app sent on the user's behalf).
type ContentProvider struct {
	Type               string `json:"type"`
	OriginalContentURL string `json:"originalContentUrl,omitempty"`
	PreviewImageURL    string `json:"previewImageUrl,omitempty"`
}

// Postback is a press on a postback action: a quick reply Switchboard
// sent, a rich menu's or a template's button. Params hold what a
// date-time picker chose.
type Postback struct {
	Data   string            `json:"data"`
	Params map[string]string `json:"params,omitempty"`
}

// maxIDLen bounds the ids an event carries (a message id, a user, group
// or room id, an event id), which become the contact's identity and the
// message's provider id. LINE's are 18 to 33 characters.
const maxIDLen = 100

// Parse reads a webhook body. A body that is not valid UTF-8, not a JSON
// object, or without an events array is a 400 (apperr.KindBadRequest):
// LINE never sends one. An event that cannot be read is skipped and
// counted in Malformed, so that the rest of the delivery is stored.
func Parse(body []byte) (Delivery, error) {
	var d Delivery
	if !utf8.Valid(body) {
		return d, apperr.BadRequest("the webhook body is not valid UTF-8")
	}
	var env struct {
		Destination *string           `json:"destination"`
		Events      []json.RawMessage `json:"events"`
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return d, apperr.BadRequest("the webhook body must be a JSON object")
	}
	raw, ok := members["events"]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return d, apperr.BadRequest("events is required")
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return d, apperr.BadRequest("the webhook body is not LINE's: destination must be a string and events an array")
	}
	if env.Destination != nil {
		d.Destination = *env.Destination
	}
	for _, raw := range env.Events {
		e, ok := parseEvent(raw)
		if !ok {
			d.Malformed++
			continue
		}
		d.Events = append(d.Events, e)
	}
	return d, nil
}

// parseEvent reads one event; false when it is not one LINE sends.
func parseEvent(raw json.RawMessage) (Event, bool) {
	var e Event
	if json.Unmarshal(raw, &e) != nil || e.Type == "" || len(e.WebhookEventID) > maxIDLen {
		return Event{}, false
	}
	for _, id := range []string{e.Source.UserID, e.Source.GroupID, e.Source.RoomID} {
		if len(id) > maxIDLen {
			return Event{}, false
		}
	}
	if e.Message != nil {
		if e.Message.ID == "" || len(e.Message.ID) > maxIDLen || e.Message.Type == "" {
			return Event{}, false
		}
		var members map[string]json.RawMessage
		json.Unmarshal(raw, &members)
		var buf bytes.Buffer
		if json.Compact(&buf, members["message"]) == nil {
			e.Message.Raw = buf.Bytes()
		}
	}
	return e, true
}
