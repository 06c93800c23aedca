// Package custom is the custom channel, compatible with respond.io's: an
// integrator POSTs messages, echoes and status receipts of any messaging
// service to a webhook, and Switchboard POSTs outbound messages to the
// integrator's <base URL>/message. An integration written for respond.io's
// custom channel works after changing only the base URL.
package custom

import "encoding/json"

// Event types of a webhook, as respond.io names them.
const (
	EventMessage = "message"        // the contact wrote
	EventEcho    = "message_echo"   // the business wrote outside Switchboard
	EventStatus  = "message_status" // a receipt for an outbound message
)

// Limits of a webhook payload. respond.io documents contactId up to 50
// characters; it also caps mId at 50, which we relax because provider ids
// (a WhatsApp wamid, for one) are often longer — every payload respond.io
// accepts is accepted here.
const (
	MaxContactIDLen = 50   // characters of contactId
	MaxMessageIDLen = 255  // characters of an event's mId
	MaxChannelIDLen = 64   // characters of channelId
	MaxTypeLen      = 50   // characters of a message type
	MaxEvents       = 1000 // events in one webhook
	MaxReasonLen    = 1000 // bytes of a failure reason (longer ones are cut)
	MaxProfileLen   = 1000 // bytes of a contact profile value (longer ones are dropped)
)

// MaxTimestamp is the largest accepted event timestamp (ms): the last
// millisecond of year 9999, which keeps every value a valid time.
const MaxTimestamp = 253402300799999

// Payload is a parsed, validated webhook body. Parse guarantees:
//   - ContactID is 1–50 characters of valid UTF-8 without spaces or
//     control characters (surrounding spaces are trimmed);
//   - ChannelID is empty (absent) or 1–64 characters without spaces or
//     control characters; a JSON number is kept as its literal text;
//   - Events holds 1 to MaxEvents events, each satisfying Event's rules;
//   - no string anywhere holds a NUL character (PostgreSQL refuses them).
type Payload struct {
	ChannelID string
	ContactID string
	Events    []Event
	Contact   Contact
}

// Event is one item of a webhook. Parse guarantees: Type is one of the
// Event constants; MID is 1–255 characters without spaces or control
// characters; 0 <= Timestamp <= MaxTimestamp (0 when absent). For message
// and message_echo, Message.Type is 1–50 characters without spaces or
// control characters and Message.Content is the compacted JSON object
// whose "type" member it is; Status and Reason are empty. For
// message_status, Status is sent, delivered, read or failed, Reason is
// empty unless Status is failed and at most MaxReasonLen bytes, and
// Message is zero. For a text message, Text is not blank.
//
// Message.Text is at most conversation.MaxTextLen characters: a longer
// text is kept, cut to that length and ending with
// conversation.TruncatedMarker, and the member of Content it came from is
// cut alike (respond.io-compatible integrators retry only on 5xx, so a
// refusal would lose the contact's message). Content is at most
// conversation.MaxContentBytes; a larger message object is refused (422
// naming events[i].message).
type Event struct {
	Type      string
	MID       string
	Timestamp int64 // Unix milliseconds; 0 when the integrator gave none
	Message   Message
	Status    string
	Reason    string
}

// Message is the message of a message or message_echo event. Types other
// than text, attachment, location and quick_reply are accepted unchecked
// and kept whole in Content, so no message is dropped for being new.
type Message struct {
	Type    string
	Text    string          // the text, caption or address; may be empty
	Content json.RawMessage // the message object as sent, compacted
}

// Contact is what the integrator tells about the contact. Values that are
// not strings, or longer than MaxProfileLen, are dropped rather than
// refused: a message must not be lost to a malformed profile.
type Contact struct {
	FirstName   string
	LastName    string
	Phone       string
	Email       string
	Language    string
	CountryCode string
	ProfilePic  string
}
