package custom

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

func readPayload(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "payloads", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The respond.io sample payload parses into what it says.
func TestParseRespondIOSample(t *testing.T) {
	p, err := Parse(readPayload(t, "message_text.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ChannelID != "gfd8g7fd89dgfd" || p.ContactID != "+60177872890" || len(p.Events) != 1 {
		t.Fatalf("payload = %+v", p)
	}
	e := p.Events[0]
	if e.Type != EventMessage || e.MID != "xcvzzxcxczxczxc" || e.Timestamp != 2132131321000 {
		t.Errorf("event = %+v", e)
	}
	if e.Message.Type != "text" || e.Message.Text != "Hello World" || string(e.Message.Content) != `{"type":"text","text":"Hello World"}` {
		t.Errorf("message = %+v (content %s)", e.Message, e.Message.Content)
	}
	want := Contact{FirstName: "John", LastName: "Doe", Phone: "+60177872890", Email: "john@respond.io", Language: "en", CountryCode: "MY",
		ProfilePic: "https://static.independent.co.uk/s3fs-public/thumbnails/image/2015/07/08/14/pic.jpg"}
	if p.Contact != want {
		t.Errorf("contact = %+v, want %+v", p.Contact, want)
	}
}

// Every sample in testdata parses, with the type, text and status each
// one carries.
func TestParseSamples(t *testing.T) {
	tests := []struct {
		file      string
		channelID string
		events    []Event // Content is not compared
	}{
		{"message_contact_extras.json", "42", []Event{{Type: EventMessage, MID: "V1StGXR8_Z5jdHi6B-myT", Timestamp: 1700000000123,
			Message: Message{Type: "text", Text: "Hello World 1700000000123"}}}},
		{"message_attachment.json", "42", []Event{{Type: EventMessage, MID: "att-0001", Timestamp: 1700000001000, Message: Message{Type: "attachment"}}}},
		{"message_location.json", "", []Event{{Type: EventMessage, MID: "loc-77", Timestamp: 1700000002000,
			Message: Message{Type: "location", Text: "Kuala Lumpur City Centre"}}}},
		{"message_quick_reply.json", "", []Event{{Type: EventMessage, MID: "qr-5", Timestamp: 1700000003000, Message: Message{Type: "quick_reply", Text: "Large"}}}},
		{"message_unknown_type.json", "", []Event{{Type: EventMessage, MID: "stk-1", Timestamp: 1700000004000, Message: Message{Type: "sticker"}}}},
		{"message_echo.json", "42", []Event{{Type: EventEcho, MID: "echo-123", Timestamp: 1700000005000, Message: Message{Type: "text", Text: "Sent from the phone app"}}}},
		{"message_status_object.json", "42", []Event{{Type: EventStatus, MID: "out-1", Timestamp: 1700000006000, Status: "failed", Reason: "Recipient is not on WhatsApp"}}},
		{"message_status_flat.json", "", []Event{
			{Type: EventStatus, MID: "out-1", Timestamp: 1700000007000, Status: "delivered"},
			{Type: EventStatus, MID: "out-1", Timestamp: 1700000008000, Status: "read"},
			{Type: EventStatus, MID: "out-2", Timestamp: 1700000009000, Status: "failed", Reason: "number unreachable"},
		}},
		{"multiple_events.json", "42", []Event{
			{Type: EventMessage, MID: "9001", Timestamp: 1700000010000, Message: Message{Type: "text", Text: "first"}},
			{Type: EventMessage, MID: "9002", Timestamp: 1700000010000, Message: Message{Type: "text", Text: "second ✓"}},
			{Type: EventEcho, MID: "9003", Message: Message{Type: "text", Text: "reply from the desktop app"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := Parse(readPayload(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if p.ChannelID != tt.channelID || len(p.Events) != len(tt.events) {
				t.Fatalf("channel %q, %d events; want %q, %d", p.ChannelID, len(p.Events), tt.channelID, len(tt.events))
			}
			for i, got := range p.Events {
				content := got.Message.Content
				got.Message.Content = nil
				if !equalEvent(got, tt.events[i]) {
					t.Errorf("event %d = %+v, want %+v", i, got, tt.events[i])
				}
				if got.Type != EventStatus && !json.Valid(content) {
					t.Errorf("event %d content %q is not JSON", i, content)
				}
			}
		})
	}
}

func equalEvent(a, b Event) bool {
	return a.Type == b.Type && a.MID == b.MID && a.Timestamp == b.Timestamp && a.Status == b.Status && a.Reason == b.Reason &&
		a.Message.Type == b.Message.Type && a.Message.Text == b.Message.Text
}

// An unknown message type keeps its whole object, so nothing is lost.
func TestParseKeepsUnknownMessageTypes(t *testing.T) {
	p, err := Parse(readPayload(t, "message_unknown_type.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"sticker","sticker":{"id":"CAACAgIAAxkBAAEB","emoji":"👍","animated":true}}`
	if got := string(p.Events[0].Message.Content); got != want {
		t.Errorf("content = %s, want %s", got, want)
	}
}

// Each malformed or invalid payload is refused with the right kind of
// error, naming the place at fault.
func TestParseErrors(t *testing.T) {
	msg := func(ev string) string {
		return `{"contactId":"c1","events":[` + ev + `]}`
	}
	long := strings.Repeat("x", 51)
	tests := []struct {
		name string
		body string
		kind apperr.Kind
		want string // a fragment of the error
	}{
		{"empty", ``, apperr.KindBadRequest, "empty"},
		{"blank", " \n ", apperr.KindBadRequest, "empty"},
		{"truncated", `{"contactId":"c1","events":[`, apperr.KindBadRequest, "malformed JSON"},
		{"syntax", `{"contactId":"c1",}`, apperr.KindBadRequest, "malformed JSON at byte"},
		{"array body", `[1,2]`, apperr.KindBadRequest, "must be a JSON object"},
		{"null body", `null`, apperr.KindBadRequest, "must be a JSON object"},
		{"trailing data", `{"contactId":"c1"} {}`, apperr.KindBadRequest, "after the JSON object"},
		{"invalid utf-8", "{\"contactId\":\"c\xff\"}", apperr.KindBadRequest, "UTF-8"},
		{"missing contactId", `{"events":[{"type":"message","mId":"m","message":{"type":"text","text":"hi"}}]}`, apperr.KindInvalid, "contactId"},
		{"blank contactId", `{"contactId":"  ","events":[]}`, apperr.KindInvalid, "contactId"},
		{"numeric contactId", `{"contactId":60177872890,"events":[]}`, apperr.KindBadRequest, "contactId must be a JSON string"},
		{"contactId too long", `{"contactId":"` + long + `","events":[]}`, apperr.KindInvalid, "contactId"},
		{"contactId with a space", `{"contactId":"a b","events":[]}`, apperr.KindInvalid, "contactId"},
		{"channelId object", `{"channelId":{},"contactId":"c1","events":[]}`, apperr.KindBadRequest, "channelId"},
		{"missing events", `{"contactId":"c1"}`, apperr.KindInvalid, "events"},
		{"null events", `{"contactId":"c1","events":null}`, apperr.KindInvalid, "events"},
		{"events not an array", `{"contactId":"c1","events":{"type":"message"}}`, apperr.KindBadRequest, "events must be a JSON array"},
		{"no events", `{"contactId":"c1","events":[]}`, apperr.KindInvalid, "events"},
		{"event not an object", msg(`"message"`), apperr.KindBadRequest, "events[0] must be a JSON object"},
		{"unknown event type", msg(`{"type":"message_read","mId":"m"}`), apperr.KindBadRequest, `unknown event type "message_read"`},
		{"missing event type", msg(`{"mId":"m"}`), apperr.KindInvalid, "events[0].type"},
		{"missing mId", msg(`{"type":"message","message":{"type":"text","text":"hi"}}`), apperr.KindInvalid, "events[0].mId"},
		{"blank mId", msg(`{"type":"message","mId":"","message":{"type":"text","text":"hi"}}`), apperr.KindInvalid, "events[0].mId"},
		{"mId object", msg(`{"type":"message","mId":{},"message":{"type":"text","text":"hi"}}`), apperr.KindBadRequest, "events[0].mId"},
		{"mId too long", msg(`{"type":"message","mId":"` + strings.Repeat("m", 256) + `","message":{"type":"text","text":"hi"}}`), apperr.KindInvalid, "events[0].mId"},
		{"timestamp string", msg(`{"type":"message","mId":"m","timestamp":"now","message":{"type":"text","text":"hi"}}`), apperr.KindBadRequest, "timestamp"},
		{"negative timestamp", msg(`{"type":"message","mId":"m","timestamp":-1,"message":{"type":"text","text":"hi"}}`), apperr.KindInvalid, "timestamp"},
		{"fractional timestamp", msg(`{"type":"message","mId":"m","timestamp":1.5,"message":{"type":"text","text":"hi"}}`), apperr.KindInvalid, "timestamp"},
		{"huge timestamp", msg(`{"type":"message","mId":"m","timestamp":1e400,"message":{"type":"text","text":"hi"}}`), apperr.KindInvalid, "timestamp"},
		{"missing message", msg(`{"type":"message","mId":"m"}`), apperr.KindInvalid, "events[0].message"},
		{"message not an object", msg(`{"type":"message_echo","mId":"m","message":"hi"}`), apperr.KindBadRequest, "events[0].message must be a JSON object"},
		{"missing message type", msg(`{"type":"message","mId":"m","message":{"text":"hi"}}`), apperr.KindInvalid, "events[0].message.type"},
		{"empty text", msg(`{"type":"message","mId":"m","message":{"type":"text","text":" "}}`), apperr.KindInvalid, "events[0].message.text"},
		{"text not a string", msg(`{"type":"message","mId":"m","message":{"type":"text","text":5}}`), apperr.KindBadRequest, "events[0].message.text"},
		{"attachment missing", msg(`{"type":"message","mId":"m","message":{"type":"attachment"}}`), apperr.KindInvalid, "events[0].message.attachment"},
		{"attachment type", msg(`{"type":"message","mId":"m","message":{"type":"attachment","attachment":{"type":"gif","url":"https://x/y"}}}`), apperr.KindInvalid, "attachment.type"},
		{"attachment url", msg(`{"type":"message","mId":"m","message":{"type":"attachment","attachment":{"type":"file"}}}`), apperr.KindInvalid, "attachment.url"},
		{"latitude", msg(`{"type":"message","mId":"m","message":{"type":"location","latitude":91,"longitude":0}}`), apperr.KindInvalid, "latitude"},
		{"missing status", msg(`{"type":"message_status","mId":"m"}`), apperr.KindInvalid, "events[0].status"},
		{"unknown status", msg(`{"type":"message_status","mId":"m","status":"bounced"}`), apperr.KindInvalid, "events[0].status"},
		{"status number", msg(`{"type":"message_status","mId":"m","status":3}`), apperr.KindBadRequest, "events[0].status"},
		{"second event bad", `{"contactId":"c1","events":[{"type":"message","mId":"a","message":{"type":"text","text":"hi"}},{"type":"message","mId":"b"}]}`,
			apperr.KindInvalid, "events[1].message"},
		{"contact not an object", `{"contactId":"c1","events":[{"type":"message","mId":"a","message":{"type":"text","text":"hi"}}],"contact":"John"}`,
			apperr.KindBadRequest, "contact must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body))
			if err == nil {
				t.Fatalf("accepted %s", tt.body)
			}
			if k := apperr.KindOf(err); k != tt.kind {
				t.Errorf("kind = %q, want %q (%v)", k, tt.kind, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// Lenient where a message must not be lost: profile values of the wrong
// type are dropped, surrounding spaces of ids trimmed, NUL removed, and
// a status reason read from any of its documented places.
func TestParseLenientParts(t *testing.T) {
	body := `{"channelId":" 7 ","contactId":" +14155550123 ","events":[
		{"type":"message","mId":" m1 ","message":{"type":"text","text":"a\u0000b"}},
		{"type":"message_status","mId":"m2","status":"FAILED","reason":"quota"},
		{"type":"message_status","mId":"m3","status":"failed","error":"plain"},
		{"type":"message_status","mId":"m4","status":"read","reason":"ignored for read"}],
		"contact":{"firstName":"Ann","lastName":5,"email":{"x":1},"phone":"+14155550123","timezone":8}}`
	p, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if p.ChannelID != "7" || p.ContactID != "+14155550123" || p.Events[0].MID != "m1" || p.Events[0].Message.Text != "ab" {
		t.Errorf("payload = %+v", p)
	}
	if e := p.Events[1]; e.Status != "failed" || e.Reason != "quota" {
		t.Errorf("status event = %+v", e)
	}
	if e := p.Events[2]; e.Reason != "plain" {
		t.Errorf("error string reason = %+v", e)
	}
	if e := p.Events[3]; e.Status != "read" || e.Reason != "" {
		t.Errorf("read event = %+v", e)
	}
	if p.Contact != (Contact{FirstName: "Ann", Phone: "+14155550123"}) {
		t.Errorf("contact = %+v", p.Contact)
	}
}

// Members are read as encoding/json reads a map, which Parse did before
// it split bodies with its own scanner: keys match once unescaped, the
// last of a repeated key counts (null included, which is then absent),
// and whitespace anywhere between tokens is allowed.
func TestParseKeysAsEncodingJSON(t *testing.T) {
	events := `"events":[{"type":"message","mId":"m1","message":{"type":"text","text":"a","text":"b"}}]`
	tests := []struct {
		name, body  string
		contact     string
		text        string
		missingWhat string // the field reported missing, when refused
	}{
		{"repeated key", `{"contactId":"c1","contactId":"c2",` + events + `}`, "c2", "b", ""},
		{"escaped key", `{"\u0063ontactId":"c3",` + events + `}`, "c3", "b", ""},
		{"escaped and plain", `{"\u0063ontactId":"c4","contactId":"c5",` + events + `}`, "c5", "b", ""},
		{"last is null", `{"contactId":"c1","contactId":null,` + events + `}`, "", "", "contactId"},
		{"whitespace", " {\n\t\"contactId\" :\r \"c6\" ,\n" + events + " }\n", "c6", "b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.body))
			if tt.missingWhat != "" {
				if apperr.KindOf(err) != apperr.KindInvalid || !strings.Contains(err.Error(), tt.missingWhat) {
					t.Fatalf("err = %v, want %s required", err, tt.missingWhat)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.ContactID != tt.contact || p.Events[0].Message.Text != tt.text {
				t.Fatalf("contact %q, text %q; want %q, %q", p.ContactID, p.Events[0].Message.Text, tt.contact, tt.text)
			}
		})
	}
}
