package custom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// FuzzParse feeds Parse arbitrary bodies, seeded with the real payloads
// of testdata/payloads and the edge cases of edgeSeeds. Parse must never panic; it must refuse only with
// a 400 or 422 kind of error; it must be deterministic; and whatever it
// accepts must satisfy the guarantees documented on Payload and Event.
func FuzzParse(f *testing.F) {
	channeltest.AddSeedFiles(f, payloadSeeds)
	for _, s := range append([]string{`{"contactId":"c","events":[{}]}`, "{\"contactId\":\"\x00\"}",
		`{"contactId":"c","events":[{"type":"message_status","mId":"m","status":{"value":"failed","message":"x\u0000y"}}]}`}, edgeSeeds()...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Parse(body)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.KindBadRequest && k != apperr.KindInvalid {
				t.Fatalf("refused with kind %q: %v", k, err)
			}
			return
		}
		if err := checkPayload(p); err != nil {
			t.Fatalf("accepted %q but %v", body, err)
		}
		again, err := Parse(body)
		if err != nil || !reflect.DeepEqual(p, again) {
			t.Fatalf("Parse is not deterministic on %q", body)
		}
		items := inbound(channel.Channel{ID: 1, WorkspaceID: 1, Type: channel.TypeCustom}, p)
		if len(items) != len(p.Events) {
			t.Fatalf("%d events became %d items", len(p.Events), len(items))
		}
		for i, in := range items {
			if in.ExternalID != p.ContactID || in.ProviderMessageID != p.Events[i].MID {
				t.Fatalf("item %d = %+v", i, in)
			}
			if (in.Kind == conversation.KindStatus) != (p.Events[i].Type == EventStatus) {
				t.Fatalf("item %d has kind %q for event %q", i, in.Kind, p.Events[i].Type)
			}
		}
	})
}

// payloadSeeds are the real payloads the fuzz tests start from.
const payloadSeeds = "testdata/payloads/*.json"

// checkPayload checks the documented guarantees of an accepted payload,
// independently of how Parse meets them.
func checkPayload(p Payload) error {
	if err := checkIdent("contactId", p.ContactID, MaxContactIDLen); err != nil {
		return err
	}
	if p.ChannelID != "" {
		if err := checkIdent("channelId", p.ChannelID, MaxChannelIDLen); err != nil {
			return err
		}
	}
	if len(p.Events) == 0 || len(p.Events) > MaxEvents {
		return fmt.Errorf("%d events", len(p.Events))
	}
	for i, e := range p.Events {
		if err := checkEvent(e); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
	}
	c := p.Contact
	for _, v := range []string{c.FirstName, c.LastName, c.Phone, c.Email, c.Language, c.CountryCode, c.ProfilePic} {
		if err := checkText("contact value", v); err != nil {
			return err
		}
		if len(v) > MaxProfileLen || v != strings.TrimSpace(v) {
			return fmt.Errorf("contact value %q is too long or untrimmed", v)
		}
	}
	return nil
}

func checkEvent(e Event) error {
	if err := checkIdent("mId", e.MID, MaxMessageIDLen); err != nil {
		return err
	}
	if e.Timestamp < 0 || e.Timestamp > MaxTimestamp {
		return fmt.Errorf("timestamp %d", e.Timestamp)
	}
	switch e.Type {
	case EventMessage, EventEcho:
		if e.Status != "" || e.Reason != "" {
			return fmt.Errorf("a %s event has status %q, reason %q", e.Type, e.Status, e.Reason)
		}
		return checkMessage(e.Message)
	case EventStatus:
		switch e.Status {
		case StatusSent, StatusDelivered, StatusRead, StatusFailed:
		default:
			return fmt.Errorf("status %q", e.Status)
		}
		if e.Status != StatusFailed && e.Reason != "" || len(e.Reason) > MaxReasonLen {
			return fmt.Errorf("reason %q for status %q", e.Reason, e.Status)
		}
		if !reflect.DeepEqual(e.Message, Message{}) {
			return fmt.Errorf("a status event has a message %+v", e.Message)
		}
		return checkText("reason", e.Reason)
	}
	return fmt.Errorf("event type %q", e.Type)
}

func checkMessage(m Message) error {
	if err := checkIdent("message type", m.Type, MaxTypeLen); err != nil {
		return err
	}
	if err := checkText("text", m.Text); err != nil {
		return err
	}
	if m.Type == "text" && strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("a text message without text")
	}
	if n := utf8.RuneCountInString(m.Text); n > conversation.MaxTextLen {
		return fmt.Errorf("text of %d characters", n)
	}
	if len(m.Content) > conversation.MaxContentBytes {
		return fmt.Errorf("content of %d bytes", len(m.Content))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, m.Content); err != nil || !bytes.Equal(compact.Bytes(), m.Content) {
		return fmt.Errorf("content %q is not compact JSON", m.Content)
	}
	var obj map[string]json.RawMessage
	var typ string
	if json.Unmarshal(m.Content, &obj) != nil || json.Unmarshal(obj["type"], &typ) != nil || strings.TrimSpace(typ) != m.Type {
		return fmt.Errorf("content %s is not an object of type %q", m.Content, m.Type)
	}
	return nil
}

// checkIdent: 1..max characters of valid UTF-8, no spaces or control
// characters (so no NUL either).
func checkIdent(what, s string, max int) error {
	if s == "" || utf8.RuneCountInString(s) > max || !utf8.ValidString(s) {
		return fmt.Errorf("%s %q is empty, too long or not UTF-8", what, s)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%s %q holds %U", what, s, r)
		}
	}
	return nil
}

// checkText: valid UTF-8 without NUL, which PostgreSQL cannot store.
func checkText(what, s string) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return fmt.Errorf("%s %q is not storable text", what, s)
	}
	return nil
}

// edgeSeeds are bodies where Parse's own scanner (scan.go) could part from
// encoding/json, which Parse once decoded every level with: escaped and repeated keys, whitespace, null, values of
// every JSON type where a string or object is expected, and a text long
// enough to be cut, whose content is then re-marshalled.
func edgeSeeds() []string {
	ev := func(event string) string {
		return `{"channelId":7,"contactId":"c1","events":[` + event + `],"contact":{"firstName":"A"}}`
	}
	long := strings.Repeat("é<b>&", 2500)
	return []string{
		``, ` `, `{}`, `null`, `[]`, `"x"`, `1`, `true`, `{"a":1} {}`, `{"a":1}x`, `{"a":}`, `{"a":1`, "\u00a0{}\u00a0", "\xef\xbb\xbf{}",
		`{"contactId":"c1","events":[{}]}`,
		` { "channelId" : " 12 " , "contactId" : "c1" , "events" : [ { "type" : "message" , "mId" : 5 , "message" : { "type" : "text" , "text" : "hi" } } ] } `,
		`{"\u0063ontactId":"c1","contactId":"c2","events":[{"type":"message","mId":"m","message":{"type":"text","text":"a","text":"b"}}]}`,
		`{"contactId":"c1","contactId":null,"events":[]}`,
		`{"contactId":"c\u0031","events":[{"type":"message","mId":"m\ud800","message":{"type":"text","text":"\u00e9\n\"\\"}}]}`,
		`{"contactId":"c1","events":"x","events":[{"type":"message","mId":-1.5e3,"timestamp":17e11,"message":{"type":"location","latitude":-9.5,"longitude":1e2,"address":"here"}}]}`,
		ev(`{"type":"message","mId":"m","message":{"type":"text","text":"` + long + `","<x>":"&"}}`),
		ev(`{"type":"message","mId":"m","message":{"text":"` + long + `","type":"quick_reply","title":"t","\u0074ext":"` + long + `"}}`),
		ev(`{"type":"message","mId":"m","message":{"type":"location","address":"` + long + `","latitude":1}}`),
		ev(`{"type":"message_echo","mId":"m","message":{"type":"attachment","attachment":{"type":"image","url":"u"},"text":"` + long + `"}}`),
		ev(`{"type":"message","mId":"m","message":{"type":"sticker","text":{"x":[1,"]}"]},"n":[[],{}]}}`),
		ev(`{"type":"message_status","mId":"m","status":{"value":"FAILED","message":null},"reason":"","error":{"message":"why"}}`),
		ev(`{"type":"message_status","mId":"m","status":"failed","error":[1]}`),
		ev(`{"type":"message_status","mId":"m","status":"failed","error":"x\u0000y"}`),
		ev(`{"type":"message_status","mId":"m","status":false}`),
		`{"contactId":"c1","events":[{"type":"message","mId":"m","message":{"type":"text","text":"x"}}],"contact":{"firstName":" \u0000A ","lastName":1,"email":"` +
			strings.Repeat("e", MaxProfileLen+1) + `","phone":null,"phone":"+1","language":["en"]}}`,
	}
}
