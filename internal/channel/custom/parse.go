package custom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// object is a JSON object read member by member, so that every error can
// name the member at fault. Keys match exactly, as respond.io's do, once
// unescaped; of a repeated key the last counts, as with encoding/json.
// Values are slices of the validated body, split by members (scan.go).
type object []member

type member struct {
	key   []byte          // unescaped
	value json.RawMessage // without surrounding whitespace
}

// objectOf splits raw, a valid JSON object from the body.
func objectOf(raw []byte) object {
	obj := make(object, 0, 8) // one allocation for most objects of a body
	for key, value := range members(raw) {
		obj = append(obj, member{key, value})
	}
	return obj
}

// Parse reads and validates a webhook body. A body that is not a JSON
// object, or holds a member of the wrong JSON type or an unknown event
// type, is an apperr.BadRequest (400) saying where; a missing or invalid
// value is an apperr.Invalid (422) naming the field, e.g. "events[0].mId".
// Whatever it accepts satisfies the guarantees documented on Payload.
func Parse(body []byte) (Payload, error) {
	var p Payload
	top, err := decodeBody(body)
	if err != nil {
		return p, err
	}
	if p.ChannelID, err = channelIDOf(top); err != nil {
		return p, err
	}
	if p.ContactID, err = contactIDOf(top); err != nil {
		return p, err
	}
	if p.Events, err = eventsOf(top); err != nil {
		return p, err
	}
	if p.Contact, err = contactOf(top); err != nil {
		return p, err
	}
	return p, nil
}

// decodeBody checks that body is one JSON object and returns its members.
// This is the only place the body is validated: everything read from it
// afterwards is split by the trusted scanner of scan.go.
func decodeBody(body []byte) (object, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, apperr.BadRequest("request body is empty; a JSON object is expected")
	}
	if !utf8.Valid(body) {
		return nil, apperr.BadRequest("request body is not valid UTF-8")
	}
	if trimmed[0] != '{' || !json.Valid(trimmed) {
		return nil, bodyError(trimmed)
	}
	return objectOf(trimmed), nil
}

// bodyError says why trimmed, which is not one valid JSON object, is
// refused. It decodes trimmed with json.Decoder, as Parse always has, so
// that integrators keep getting the same messages and byte offsets.
func bodyError(trimmed []byte) error {
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return apperr.BadRequest("malformed JSON at byte %d: %v", syn.Offset, syn)
		case errors.As(err, &typ):
			return apperr.BadRequest("the body must be a JSON object, not %s", typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return apperr.BadRequest("malformed JSON: unexpected end of body")
		}
		return apperr.BadRequest("malformed JSON: %v", err)
	}
	if top == nil {
		return apperr.BadRequest("the body must be a JSON object, not null")
	}
	// A whole object decoded, and json.Valid (the decoder's own scanner)
	// refused the body, so something other than whitespace follows it.
	return apperr.BadRequest("malformed JSON: data after the JSON object")
}

// channelIDOf reads the optional channelId. respond.io's are strings;
// ours are numbers, so both JSON forms are accepted and kept as text.
func channelIDOf(top object) (string, error) {
	raw, ok := top.get("channelId")
	if !ok {
		return "", nil
	}
	var id string
	switch {
	case isNumber(raw):
		id = string(raw)
	case raw[0] == '"':
		id = unquote(raw)
	default:
		return "", apperr.BadRequest("channelId must be a JSON string or number")
	}
	if id = strings.TrimSpace(id); id == "" {
		return "", nil // as if absent
	}
	return checkID("channelId", id, MaxChannelIDLen)
}

// contactIDOf reads the required contactId: an E.164 phone number or a
// custom id of up to 50 characters.
func contactIDOf(top object) (string, error) {
	id, err := top.requiredString("contactId", "contactId")
	if err != nil {
		return "", err
	}
	return checkID("contactId", strings.TrimSpace(id), MaxContactIDLen)
}

// eventsOf reads the required, non-empty events array.
func eventsOf(top object) ([]Event, error) {
	raw, ok := top.get("events")
	if !ok {
		return nil, apperr.Invalid("events", "is required")
	}
	if raw[0] != '[' {
		return nil, apperr.BadRequest("events must be a JSON array")
	}
	var items []json.RawMessage
	for item := range elements(raw) {
		items = append(items, item)
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
		if out[i], err = parseEvent(item, fmt.Sprintf("events[%d]", i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// contactOf reads the optional contact profile, keeping only its usable
// string values.
func contactOf(top object) (Contact, error) {
	var c Contact
	raw, ok := top.get("contact")
	if !ok {
		return c, nil
	}
	obj, err := asObject(raw, "contact")
	if err != nil {
		return c, err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"firstName", &c.FirstName}, {"lastName", &c.LastName}, {"phone", &c.Phone}, {"email", &c.Email},
		{"language", &c.Language}, {"countryCode", &c.CountryCode}, {"profilePic", &c.ProfilePic},
	} {
		if v, ok := obj.get(f.key); ok && v[0] == '"' {
			if s := unquote(v); len(s) <= MaxProfileLen {
				*f.dst = strings.TrimSpace(stripNUL(s))
			}
		}
	}
	return c, nil
}

// get returns a member that is present and not null. Values come from
// the scanner, never empty and without surrounding whitespace (FuzzScan).
func (o object) get(key string) (json.RawMessage, bool) {
	for i := len(o) - 1; i >= 0; i-- { // from the end: the last of a repeated key counts
		if string(o[i].key) == key {
			if raw := o[i].value; string(raw) != "null" {
				return raw, true
			}
			return nil, false
		}
	}
	return nil, false
}

// optionalString reads a member that must be a string if present.
func (o object) optionalString(key, path string) (string, bool, error) {
	raw, ok := o.get(key)
	if !ok {
		return "", false, nil
	}
	if raw[0] != '"' {
		return "", false, apperr.BadRequest("%s must be a JSON string", path)
	}
	return unquote(raw), true, nil
}

// requiredString reads a member that must be a non-blank string.
func (o object) requiredString(key, path string) (string, error) {
	s, ok, err := o.optionalString(key, path)
	if err != nil {
		return "", err
	}
	if !ok || strings.TrimSpace(s) == "" {
		return "", apperr.Invalid(path, "is required")
	}
	return s, nil
}

// asObject reads raw, a value of the body, as a JSON object.
func asObject(raw json.RawMessage, path string) (object, error) {
	if raw[0] != '{' {
		return nil, apperr.BadRequest("%s must be a JSON object", path)
	}
	return objectOf(raw), nil
}

// checkID validates an identifier: not blank, at most max characters, no
// spaces or control characters (they would make ids that look alike but
// differ, and NUL cannot be stored).
func checkID(field, id string, max int) (string, error) {
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

// stripNUL removes NUL characters, which PostgreSQL cannot store in text.
func stripNUL(s string) string { return strings.ReplaceAll(s, "\x00", "") }
