package custom

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Message statuses a message_status event may report.
const (
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// Attachment types of an attachment message.
var attachmentTypes = map[string]bool{"image": true, "video": true, "audio": true, "file": true}

// parseEvent reads one element of events; path names it in errors.
func parseEvent(raw json.RawMessage, path string) (Event, error) {
	var e Event
	obj, err := asObject(raw, path)
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
	if e.MID, err = messageIDOf(obj, path+".mId"); err != nil {
		return e, err
	}
	if e.Timestamp, err = timestampOf(obj, path+".timestamp"); err != nil {
		return e, err
	}
	if e.Type == EventStatus {
		e.Status, e.Reason, err = statusOf(obj, path)
	} else {
		e.Message, err = messageOf(obj, path+".message")
	}
	return e, err
}

// messageIDOf reads the required mId, a string (or, from integrators whose
// provider numbers its messages, a JSON number kept as text).
func messageIDOf(obj object, path string) (string, error) {
	raw, ok := obj.get("mId")
	if !ok {
		return "", apperr.Invalid(path, "is required")
	}
	var id string
	switch {
	case isNumber(raw):
		id = string(raw)
	case raw[0] == '"':
		id = unquote(raw)
	default:
		return "", apperr.BadRequest("%s must be a JSON string", path)
	}
	return checkID(path, strings.TrimSpace(id), MaxMessageIDLen)
}

// timestampOf reads the optional timestamp in Unix milliseconds.
func timestampOf(obj object, path string) (int64, error) {
	raw, ok := obj.get("timestamp")
	if !ok {
		return 0, nil
	}
	if !isNumber(raw) {
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

// statusOf reads a message_status event's status and, for a failure, its
// reason. Both respond.io's form, "status": {"value": "failed", "message":
// "why"}, and the flat form, "status": "failed" with "reason" or "error"
// (a string, or an object with a message), are accepted.
func statusOf(obj object, path string) (status, reason string, err error) {
	raw, ok := obj.get("status")
	if !ok {
		return "", "", apperr.Invalid(path+".status", "is required")
	}
	switch raw[0] {
	case '"':
		status, _, err = obj.optionalString("status", path+".status")
	case '{':
		var st object
		if st, err = asObject(raw, path+".status"); err != nil {
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
		if reason, err = errorMessageOf(obj, path+".error"); err != nil {
			return "", "", err
		}
	}
	if status != StatusFailed {
		return status, "", nil
	}
	return status, limit.CutBytes(strings.TrimSpace(stripNUL(reason)), MaxReasonLen), nil
}

// errorMessageOf reads an optional "error": a string or {"message": …}.
func errorMessageOf(obj object, path string) (string, error) {
	raw, ok := obj.get("error")
	if !ok {
		return "", nil
	}
	if raw[0] == '"' {
		s, _, err := obj.optionalString("error", path)
		return s, err
	}
	e, err := asObject(raw, path)
	if err != nil {
		return "", apperr.BadRequest("%s must be a JSON string or object", path)
	}
	s, _, err := e.optionalString("message", path+".message")
	return s, err
}

// messageOf reads the message of a message or message_echo event. The
// types respond.io defines are checked; any other type is kept unchecked.
func messageOf(obj object, path string) (Message, error) {
	var m Message
	raw, ok := obj.get("message")
	if !ok {
		return m, apperr.Invalid(path, "is required")
	}
	msg, err := asObject(raw, path)
	if err != nil {
		return m, err
	}
	typ, err := msg.requiredString("type", path+".type")
	if err != nil {
		return m, err
	}
	if m.Type, err = checkID(path+".type", strings.TrimSpace(typ), MaxTypeLen); err != nil {
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
		if m.Text, err = msg.requiredString("text", path+".text"); err == nil && strings.TrimSpace(stripNUL(m.Text)) == "" {
			err = apperr.Invalid(path+".text", "is required")
		}
	case "attachment":
		err = checkAttachment(msg, path+".attachment")
		m.Text = looseString(msg, "text")
	case "location":
		err = checkLocation(msg, path)
		textKey = "address"
		m.Text = looseString(msg, "address")
	case "quick_reply":
		if m.Text = looseString(msg, "text"); m.Text == "" {
			textKey = "title"
			m.Text = looseString(msg, "title")
		}
	default:
		m.Text = looseString(msg, "text")
	}
	if err != nil {
		return m, err
	}
	m.Text = stripNUL(m.Text)
	if text, cut := conversation.TruncateText(m.Text); cut {
		// Kept, not refused: the contact's message must not be lost. The
		// content says the same as the text, so it is cut alike.
		m.Text = text
		m.Content = withString(raw, textKey, text)
	}
	if len(m.Content) > conversation.MaxContentBytes {
		return m, apperr.Invalid(path, "is %d bytes of JSON; at most %d are accepted", len(m.Content), conversation.MaxContentBytes)
	}
	return m, nil
}

// withString returns obj, a valid JSON object, with its member key set to
// the string s, marshalled as a Go map as it always has been when a text
// was cut: keys sorted, a repeated key once, <, > and & escaped. Only an
// overlong text takes this path, so decoding obj again costs nothing that
// matters.
func withString(obj json.RawMessage, key, s string) json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(obj, &m) // cannot fail: obj is a valid object
	m[key], _ = json.Marshal(s)
	out, _ := json.Marshal(m)
	return out
}

// checkAttachment requires {"type": image|video|audio|file, "url": "…"}.
func checkAttachment(msg object, path string) error {
	raw, ok := msg.get("attachment")
	if !ok {
		return apperr.Invalid(path, "is required for an attachment message")
	}
	att, err := asObject(raw, path)
	if err != nil {
		return err
	}
	typ, err := att.requiredString("type", path+".type")
	if err != nil {
		return err
	}
	if !attachmentTypes[typ] {
		return apperr.Invalid(path+".type", "must be image, video, audio or file, not %q", limit.Clip(typ, 50))
	}
	_, err = att.requiredString("url", path+".url")
	return err
}

// checkLocation checks the coordinates of a location message when given.
func checkLocation(msg object, path string) error {
	for _, c := range []struct {
		key   string
		limit float64
	}{{"latitude", 90}, {"longitude", 180}} {
		raw, ok := msg.get(c.key)
		if !ok {
			continue
		}
		if !isNumber(raw) {
			return apperr.BadRequest("%s.%s must be a JSON number", path, c.key)
		}
		if v, err := strconv.ParseFloat(string(raw), 64); err != nil || math.Abs(v) > c.limit {
			return apperr.Invalid(path+"."+c.key, "must be between -%g and %g", c.limit, c.limit)
		}
	}
	return nil
}

// looseString returns a member if it is a string, else "": used where a
// message type is unchecked, so that an odd member never refuses it.
func looseString(obj object, key string) string {
	if raw, ok := obj.get(key); ok && raw[0] == '"' {
		return unquote(raw)
	}
	return ""
}

// isNumber reports whether raw, a valid JSON value, is a number.
func isNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}
