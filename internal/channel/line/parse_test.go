package line

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Every kind of message LINE documents, and a postback, becomes the item
// conversation.Receive stores: the contact is the chat, the provider id
// LINE's message id (a postback's event id), files are references to
// LINE's content API (or the external provider's URL), a postback
// answers with its option.
func TestParseFixtures(t *testing.T) {
	for _, tc := range []struct {
		file    string
		typ     string
		text    string
		id      string
		chat    string
		media   *conversation.MediaRef
		content []string // fragments of the stored content
	}{
		{file: "message_text", typ: "text", text: "Hello, I need help with my order", id: "468789577898262530", chat: testUser,
			content: []string{`"type":"text"`, `"text":"Hello, I need help with my order"`, `"line":{"type":"text","id":"468789577898262530"`}},
		{file: "message_image", typ: "attachment", id: "354718705033693861", chat: testUser,
			media:   &conversation.MediaRef{Ref: "354718705033693861", Kind: "image", ContentType: "image/jpeg"},
			content: []string{`"attachment":{"content_type":"image/jpeg","message_id":"354718705033693861","type":"image"}`, `"imageSet":{`}},
		{file: "message_image_external", typ: "attachment", id: "354718705033693862", chat: testUser,
			media: &conversation.MediaRef{Ref: "https://cdn.example.com/photos/receipt.jpg", Kind: "image", ContentType: "image/jpeg"}},
		{file: "message_video", typ: "attachment", id: "325708459841235201", chat: testUser,
			media:   &conversation.MediaRef{Ref: "325708459841235201", Kind: "video", ContentType: "video/mp4"},
			content: []string{`"duration_ms":60000`}},
		{file: "message_audio", typ: "attachment", id: "325708459841235202", chat: testUser,
			media: &conversation.MediaRef{Ref: "325708459841235202", Kind: "audio", ContentType: "audio/mp4"}},
		{file: "message_file", typ: "attachment", id: "325708459841235203", chat: testUser,
			media:   &conversation.MediaRef{Ref: "325708459841235203", Kind: "file", FileName: "invoice-2025-01.pdf", Size: 48213},
			content: []string{`"file_name":"invoice-2025-01.pdf"`, `"size":48213`}},
		{file: "message_location", typ: "location", text: "Tokyo Tower\n4 Chome-2-8 Shibakoen, Minato City, Tokyo 105-0011, Japan",
			id: "325708459841235204", chat: testUser,
			content: []string{`"latitude":35.65910807942215`, `"longitude":139.70372892916203`, `"title":"Tokyo Tower"`}},
		{file: "message_sticker", typ: "sticker", id: "325708459841235205", chat: testUser,
			content: []string{`"sticker":{"keywords":["Thanks","Thank you","Bow"],"package_id":"11537","resource_type":"ANIMATION","sticker_id":"52002734"}`}},
		{file: "message_group_text", typ: "text", text: "Can someone help our team?", id: "468789577898262599", chat: testGroup,
			content: []string{`"sender_user_id":"` + testUser + `"`}},
		{file: "postback_quick_reply", typ: "quick_reply", text: "Billing", id: "postback:01JGBQ6A9N3R7V1Y5B9D3F7H6K", chat: testUser,
			content: []string{`"payload":"Billing"`}},
		{file: "postback_datetime", typ: "quick_reply", text: "2025-01-15T10:00", id: "postback:01JGBQ6B5P1S5W9Z3C7E1G5J5L", chat: testUser,
			content: []string{`"payload":"action=book\u0026slot=visit"`, `"params":{"datetime":"2025-01-15T10:00"}`}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d, err := Parse(events(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			items, skipped := inbound(testChannel, d)
			if len(items) != 1 || skipped != 0 {
				t.Fatalf("%d items, %d skipped", len(items), skipped)
			}
			in := items[0]
			if in.Kind != conversation.KindMessage || in.Type != tc.typ || in.Text != tc.text || in.ProviderMessageID != tc.id ||
				in.ExternalID != tc.chat || in.ChannelID != testChannel.ID || in.WorkspaceID != testChannel.WorkspaceID {
				t.Errorf("item %+v", in)
			}
			if in.Timestamp.IsZero() || in.Timestamp.Location() != time.UTC || in.Timestamp.Year() != 2025 {
				t.Errorf("timestamp %v", in.Timestamp)
			}
			switch {
			case tc.media == nil && len(in.Media) != 0:
				t.Errorf("media %+v", in.Media)
			case tc.media != nil && (len(in.Media) != 1 || !reflect.DeepEqual(in.Media[0], *tc.media)):
				t.Errorf("media %+v, want %+v", in.Media, *tc.media)
			}
			for _, frag := range append(tc.content, `"type":"`+tc.typ+`"`) {
				if !strings.Contains(string(in.Content), frag) {
					t.Errorf("content %s lacks %s", in.Content, frag)
				}
			}
		})
	}
}

// A redelivered event carries the same ids as the first delivery: the
// same item, so the receive path recognises it.
func TestParseRedelivery(t *testing.T) {
	first, _ := Parse(events(t, "message_text"))
	again, err := Parse(events(t, "message_text_redelivery"))
	if err != nil || !again.Events[0].DeliveryContext.IsRedelivery {
		t.Fatalf("%+v %v", again, err)
	}
	a, _ := inbound(testChannel, first)
	b, _ := inbound(testChannel, again)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the redelivery differs:\n%+v\n%+v", a, b)
	}
}

// Follow and unfollow events, and LINE's empty verification delivery,
// store nothing; the other events of a delivery are skipped, counted.
func TestParseIgnored(t *testing.T) {
	for name, skipped := range map[string]int{"follow": 2, "verify": 0} {
		d, err := Parse(events(t, name))
		if err != nil {
			t.Fatal(err)
		}
		items, n := inbound(testChannel, d)
		if len(items) != 0 || n != skipped {
			t.Errorf("%s: %d items, %d skipped", name, len(items), n)
		}
		if d.Destination != "Uf1a9c3b85d7e4a2c6b0e8d94f3a7c215" {
			t.Errorf("%s: destination %q", name, d.Destination)
		}
	}
	// An event that cannot be read is skipped; the one beside it stored.
	d, err := Parse([]byte(`{"destination":"U1","events":[{"type":"message","message":{"type":"text","text":"no id"},"source":{"type":"user","userId":"U1"}},
		{"type":"message","message":{"type":"text","id":"42","text":"hi"},"source":{"type":"user","userId":"U1"},"timestamp":1},
		{"type":"message","message":"not an object"},{"type":"unsend","unsend":{"messageId":"42"},"source":{"type":"user","userId":"U1"}},
		{"type":"message","message":{"type":"text","id":"43","text":"no source"},"source":{"type":"user"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	items, n := inbound(testChannel, d)
	if len(items) != 1 || items[0].ProviderMessageID != "42" || n != 4 || d.Malformed != 2 {
		t.Errorf("%d items %+v, %d skipped, %d malformed", len(items), items, n, d.Malformed)
	}
}

// A message of a kind LINE adds later is stored as unsupported, named.
func TestParseUnknownMessageType(t *testing.T) {
	d, err := Parse([]byte(`{"destination":"U1","events":[{"type":"message","message":{"id":"325708","type":"futureMessageType"},
		"source":{"type":"user","userId":"U206d25c2ea6bd87c17655609a1c37cb8"},"timestamp":1462629479859,"mode":"active"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	items, _ := inbound(testChannel, d)
	if len(items) != 1 || items[0].Type != conversation.TypeUnsupported || !strings.Contains(string(items[0].Content), `"line_type":"futureMessageType"`) {
		t.Errorf("%+v", items)
	}
}

// A body that is not LINE's is a 400.
func TestParseRefuses(t *testing.T) {
	for _, body := range []string{``, `{`, `[]`, `null`, `"x"`, `{}`, `{"destination":"U1"}`, `{"events":null}`,
		`{"events":{}}`, `{"destination":1,"events":[]}`, "{\"events\":[],\"x\":\"\xff\"}"} {
		if _, err := Parse([]byte(body)); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("%q: %v, want a 400", body, err)
		}
	}
}
