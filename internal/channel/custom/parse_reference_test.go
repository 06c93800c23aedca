package custom

// This file is the reference that FuzzParseMatchesReference compares Parse
// against: a frozen copy of Parse as it was before it split the body with
// its own scanner (parse.go and parse_event.go at commit 1277fcb), when
// every nested level was decoded again with encoding/json. Only
// identifiers are renamed (ref…); the constants, Provider.MapStatus and
// the conversation and limit helpers it calls are shared with the package.
// Do not change it to follow Parse: it defines "behaves the same".

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// refObject is a JSON object read member by member, so that every error can
// name the member at fault. Keys match exactly, as respond.io's do.
type refObject map[string]json.RawMessage

// refParse reads and validates a webhook body. A body that is not a JSON
// object, or holds a member of the wrong JSON type or an unknown event
// type, is an apperr.BadRequest (400) saying where; a missing or invalid
// value is an apperr.Invalid (422) naming the field, e.g. "events[0].mId".
// Whatever it accepts satisfies the guarantees documented on Payload.
func refParse(body []byte) (Payload, error) {
	var p Payload
	top, err := refDecodeBody(body)
	if err != nil {
		return p, err
	}
	if p.ChannelID, err = refChannelIDOf(top); err != nil {
		return p, err
	}
	if p.ContactID, err = refContactIDOf(top); err != nil {
		return p, err
	}
	if p.Events, err = refEventsOf(top); err != nil {
		return p, err
	}
	if p.Contact, err = refContactOf(top); err != nil {
		return p, err
	}
	return p, nil
}

// refDecodeBody checks that body is one JSON object and returns its members.
func refDecodeBody(body []byte) (refObject, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, apperr.BadRequest("request body is empty; a JSON object is expected")
	}
	if !utf8.Valid(body) {
		return nil, apperr.BadRequest("request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var top refObject
	if err := dec.Decode(&top); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, apperr.BadRequest("malformed JSON at byte %d: %v", syn.Offset, syn)
		case errors.As(err, &typ):
			return nil, apperr.BadRequest("the body must be a JSON object, not %s", typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, apperr.BadRequest("malformed JSON: unexpected end of body")
		}
		return nil, apperr.BadRequest("malformed JSON: %v", err)
	}
	if top == nil {
		return nil, apperr.BadRequest("the body must be a JSON object, not null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, apperr.BadRequest("malformed JSON: data after the JSON object")
	}
	return top, nil
}

// refChannelIDOf reads the optional channelId. respond.io's are strings;
// ours are numbers, so both JSON forms are accepted and kept as text.
func refChannelIDOf(top refObject) (string, error) {
	raw, ok := top.get("channelId")
	if !ok {
		return "", nil
	}
	var id string
	if refIsNumber(raw) {
		id = string(raw)
	} else if err := json.Unmarshal(raw, &id); err != nil {
		return "", apperr.BadRequest("channelId must be a JSON string or number")
	}
	if id = strings.TrimSpace(id); id == "" {
		return "", nil // as if absent
	}
	return refCheckID("channelId", id, MaxChannelIDLen)
}

// refContactIDOf reads the required contactId: an E.164 phone number or a
// custom id of up to 50 characters.
func refContactIDOf(top refObject) (string, error) {
	id, err := top.requiredString("contactId", "contactId")
	if err != nil {
		return "", err
	}
	return refCheckID("contactId", strings.TrimSpace(id), MaxContactIDLen)
}

// refEventsOf reads the required, non-empty events array.
func refEventsOf(top refObject) ([]Event, error) {
	raw, ok := top.get("events")
	if !ok {
		return nil, apperr.Invalid("events", "is required")
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, apperr.BadRequest("events must be a JSON array")
	}
	if len(items) == 0 {
		return nil, apperr.Invalid("events", "must hold at least one event")
	}
	if len(items) > MaxEvents {
		return nil, apperr.Invalid("events", "holds %d events; at most %d are accepted in one webhook", len(items), MaxEvents)
	}
	out := make([]Event, len(items))
	for i, item := range items {
		var err error
		if out[i], err = refParseEvent(item, fmt.Sprintf("events[%d]", i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// refContactOf reads the optional contact profile, keeping only its usable
// string values.
func refContactOf(top refObject) (Contact, error) {
	var c Contact
	raw, ok := top.get("contact")
	if !ok {
		return c, nil
	}
	obj, err := refAsObject(raw, "contact")
	if err != nil {
		return c, err
	}
	for key, dst := range map[string]*string{
		"firstName": &c.FirstName, "lastName": &c.LastName, "phone": &c.Phone, "email": &c.Email,
		"language": &c.Language, "countryCode": &c.CountryCode, "profilePic": &c.ProfilePic,
	} {
		var s string
		if v, ok := obj.get(key); ok && json.Unmarshal(v, &s) == nil && len(s) <= MaxProfileLen {
			*dst = strings.TrimSpace(refStripNUL(s))
		}
	}
	return c, nil
}

// get returns a member that is present and not null.
func (o refObject) get(key string) (json.RawMessage, bool) {
	raw, ok := o[key]
	raw = bytes.TrimSpace(raw)
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

// optionalString reads a member that must be a string if present.
func (o refObject) optionalString(key, path string) (string, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return "", false, nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false, apperr.BadRequest("%s must be a JSON string", path)
	}
	return s, true, nil
}

// requiredString reads a member that must be a non-blank string.
func (o refObject) requiredString(key, path string) (string, error) {
	s, ok, err := o.optionalString(key, path)
	if err != nil {
		return "", err
	}
	if !ok || strings.TrimSpace(s) == "" {
		return "", apperr.Invalid(path, "is required")
	}
	return s, nil
}

// refAsObject decodes raw as a JSON object.
func refAsObject(raw json.RawMessage, path string) (refObject, error) {
	var obj refObject
	if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
		return nil, apperr.BadRequest("%s must be a JSON object", path)
	}
	return obj, nil
}

// refCheckID validates an identifier: not blank, at most max characters, no
// spaces or control characters (they would make ids that look alike but
// differ, and NUL cannot be stored).
func refCheckID(field, id string, max int) (string, error) {
	if id == "" {
		return "", apperr.Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(id); n > max {
		return "", apperr.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	if strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", apperr.Invalid(field, "must not contain spaces or control characters")
	}
	return id, nil
}

// refStripNUL removes NUL characters, which PostgreSQL cannot store in text.
func refStripNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }

// Attachment types of an attachment message.
var refAttachmentTypes = map[string]bool{"image": true, "video": true, "audio": true, "file": true}

// refParseEvent reads one element of events; path names it in errors.
func refParseEvent(raw json.RawMessage, path string) (Event, error) {
	var e Event
	obj, err := refAsObject(raw, path)
	if err != nil {
		return e, err
	}
	if e.Type, err = obj.requiredString("type", path+".type"); err != nil {
		return e, err
	}
	switch e.Type {
	case EventMessage, EventEcho, EventStatus:
	default:
		return e, apperr.BadRequest("%s.type: unknown event type %q (want message, message_echo or message_status)", path, limit.Clip(e.Type, 50))
	}
	if e.MID, err = refMessageIDOf(obj, path+".mId"); err != nil {
		return e, err
	}
	if e.Timestamp, err = refTimestampOf(obj, path+".timestamp"); err != nil {
		return e, err
	}
	if e.Type == EventStatus {
		e.Status, e.Reason, err = refStatusOf(obj, path)
	} else {
		e.Message, err = refMessageOf(obj, path+".message")
	}
	return e, err
}

// refMessageIDOf reads the required mId, a string (or, from integrators whose
// provider numbers its messages, a JSON number kept as text).
func refMessageIDOf(obj refObject, path string) (string, error) {
	raw, ok := obj.get("mId")
	if !ok {
		return "", apperr.Invalid(path, "is required")
	}
	var id string
	if refIsNumber(raw) {
		id = string(raw)
	} else if err := json.Unmarshal(raw, &id); err != nil {
		return "", apperr.BadRequest("%s must be a JSON string", path)
	}
	return refCheckID(path, strings.TrimSpace(id), MaxMessageIDLen)
}

// refTimestampOf reads the optional timestamp in Unix milliseconds.
func refTimestampOf(obj refObject, path string) (int64, error) {
	raw, ok := obj.get("timestamp")
	if !ok {
		return 0, nil
	}
	if !refIsNumber(raw) {
		return 0, apperr.BadRequest("%s must be a JSON number (Unix milliseconds)", path)
	}
	ms, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		// 1.7e12 is a whole number too; 1.5 and 1e400 are not.
		f, ferr := strconv.ParseFloat(string(raw), 64)
		if ferr != nil || f != math.Trunc(f) || f < 0 || f > MaxTimestamp {
			return 0, apperr.Invalid(path, "must be a whole number of milliseconds from 0 to %d", int64(MaxTimestamp))
		}
		ms = int64(f)
	}
	if ms < 0 || ms > MaxTimestamp {
		return 0, apperr.Invalid(path, "must be a whole number of milliseconds from 0 to %d", int64(MaxTimestamp))
	}
	return ms, nil
}

// refStatusOf reads a message_status event's status and, for a failure, its
// reason. Both respond.io's form, "status": {"value": "failed", "message":
// "why"}, and the flat form, "status": "failed" with "reason" or "error"
// (a string, or an object with a message), are accepted.
func refStatusOf(obj refObject, path string) (status, reason string, err error) {
	raw, ok := obj.get("status")
	if !ok {
		return "", "", apperr.Invalid(path+".status", "is required")
	}
	switch raw[0] {
	case '"':
		status, _, err = obj.optionalString("status", path+".status")
	case '{':
		var st refObject
		if st, err = refAsObject(raw, path+".status"); err != nil {
			return "", "", err
		}
		if status, _, err = st.optionalString("value", path+".status.value"); err != nil {
			return "", "", err
		}
		reason, _, err = st.optionalString("message", path+".status.message")
	default:
		return "", "", apperr.BadRequest("%s.status must be a JSON string or object", path)
	}
	if err != nil {
		return "", "", err
	}
	given := strings.ToLower(strings.TrimSpace(status))
	if given == "" {
		return "", "", apperr.Invalid(path+".status", "is required")
	}
	var known bool
	if status, known = (*Provider)(nil).MapStatus(given); !known {
		return "", "", apperr.Invalid(path+".status", "must be sent, delivered, read or failed, not %q", limit.Clip(given, 50))
	}
	if reason == "" {
		if reason, _, err = obj.optionalString("reason", path+".reason"); err != nil {
			return "", "", err
		}
	}
	if reason == "" {
		if reason, err = refErrorMessageOf(obj, path+".error"); err != nil {
			return "", "", err
		}
	}
	if status != StatusFailed {
		return status, "", nil
	}
	return status, limit.CutBytes(strings.TrimSpace(refStripNUL(reason)), MaxReasonLen), nil
}

// refErrorMessageOf reads an optional "error": a string or {"message": …}.
func refErrorMessageOf(obj refObject, path string) (string, error) {
	raw, ok := obj.get("error")
	if !ok {
		return "", nil
	}
	if raw[0] == '"' {
		s, _, err := obj.optionalString("error", path)
		return s, err
	}
	e, err := refAsObject(raw, path)
	if err != nil {
		return "", apperr.BadRequest("%s must be a JSON string or object", path)
	}
	s, _, err := e.optionalString("message", path+".message")
	return s, err
}

// refMessageOf reads the message of a message or message_echo event. The
// types respond.io defines are checked; any other type is kept unchecked.
func refMessageOf(obj refObject, path string) (Message, error) {
	var m Message
	raw, ok := obj.get("message")
	if !ok {
		return m, apperr.Invalid(path, "is required")
	}
	msg, err := refAsObject(raw, path)
	if err != nil {
		return m, err
	}
	typ, err := msg.requiredString("type", path+".type")
	if err != nil {
		return m, err
	}
	if m.Type, err = refCheckID(path+".type", strings.TrimSpace(typ), MaxTypeLen); err != nil {
		return m, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return m, apperr.BadRequest("%s: %v", path, err)
	}
	m.Content = buf.Bytes()
	textKey := "text" // the member the text is read from
	switch m.Type {
	case "text":
		if m.Text, err = msg.requiredString("text", path+".text"); err == nil && strings.TrimSpace(refStripNUL(m.Text)) == "" {
			err = apperr.Invalid(path+".text", "is required")
		}
	case "attachment":
		err = refCheckAttachment(msg, path+".attachment")
		m.Text = refLooseString(msg, "text")
	case "location":
		err = refCheckLocation(msg, path)
		textKey = "address"
		m.Text = refLooseString(msg, "address")
	case "quick_reply":
		if m.Text = refLooseString(msg, "text"); m.Text == "" {
			textKey = "title"
			m.Text = refLooseString(msg, "title")
		}
	default:
		m.Text = refLooseString(msg, "text")
	}
	if err != nil {
		return m, err
	}
	m.Text = refStripNUL(m.Text)
	if text, cut := conversation.TruncateText(m.Text); cut {
		// Kept, not refused: the contact's message must not be lost. The
		// content says the same as the text, so it is cut alike.
		m.Text = text
		msg[textKey], _ = json.Marshal(text)
		m.Content, _ = json.Marshal(msg)
	}
	if len(m.Content) > conversation.MaxContentBytes {
		return m, apperr.Invalid(path, "is %d bytes of JSON; at most %d are accepted", len(m.Content), conversation.MaxContentBytes)
	}
	return m, nil
}

// refCheckAttachment requires {"type": image|video|audio|file, "url": "…"}.
func refCheckAttachment(msg refObject, path string) error {
	raw, ok := msg.get("attachment")
	if !ok {
		return apperr.Invalid(path, "is required for an attachment message")
	}
	att, err := refAsObject(raw, path)
	if err != nil {
		return err
	}
	typ, err := att.requiredString("type", path+".type")
	if err != nil {
		return err
	}
	if !refAttachmentTypes[typ] {
		return apperr.Invalid(path+".type", "must be image, video, audio or file, not %q", limit.Clip(typ, 50))
	}
	_, err = att.requiredString("url", path+".url")
	return err
}

// refCheckLocation checks the coordinates of a location message when given.
func refCheckLocation(msg refObject, path string) error {
	for _, c := range []struct {
		key   string
		limit float64
	}{{"latitude", 90}, {"longitude", 180}} {
		raw, ok := msg.get(c.key)
		if !ok {
			continue
		}
		if !refIsNumber(raw) {
			return apperr.BadRequest("%s.%s must be a JSON number", path, c.key)
		}
		if v, err := strconv.ParseFloat(string(raw), 64); err != nil || math.Abs(v) > c.limit {
			return apperr.Invalid(path+"."+c.key, "must be between -%g and %g", c.limit, c.limit)
		}
	}
	return nil
}

// refLooseString returns a member if it is a string, else "": used where a
// message type is unchecked, so that an odd member never refuses it.
func refLooseString(obj refObject, key string) string {
	var s string
	if raw, ok := obj.get(key); ok && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// refIsNumber reports whether raw, a valid JSON value, is a number.
func refIsNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}
