package viber

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Each message type becomes the item Viber's message means: its text, its
// media (by URL, with the kind and what Viber says of the file), its
// location or contact; the token is kept whole.
func TestParseMessageTypes(t *testing.T) {
	for _, tc := range []struct {
		fixture, typ, text string
		media              *conversation.MediaRef
		content            map[string]any
	}{
		{"message_text", "text", "Hello, I need help with my invoice", nil, map[string]any{"text": "Hello, I need help with my invoice"}},
		{"message_picture", "attachment", "the broken part", &conversation.MediaRef{Kind: "image", ContentType: "image/jpeg", Caption: "the broken part",
			Ref: "https://dl-media.viber.com/10/share/2/long/vibes/icon/image/0x0/95e0/5688fdffdedd2eb1f3feb4c1ab77e1c7095e0a7f0b4a7fd8b0b13bb0d1d2d0de.jpg"}, nil},
		{"message_video", "attachment", "", &conversation.MediaRef{Kind: "video", ContentType: "video/mp4",
			Ref: "https://dl-media.viber.com/10/share/2/long/vibes/video/0x0/8a41/7e6a8cbb0cf26bd0a4cfb6ac57bcc57d8a41c3c7.mp4"}, nil},
		{"message_file", "attachment", "", &conversation.MediaRef{Kind: "file", FileName: "invoice-2024-031.pdf", Size: 58213,
			Ref: "https://dl-media.viber.com/10/share/2/long/vibes/file/0x0/21b3/4f0d9c0a5f2d7b6e21b3a2c1.pdf"}, nil},
		{"message_sticker", "attachment", "", &conversation.MediaRef{Kind: "sticker", ContentType: "image/png",
			Ref: "https://viber.com/app/stickers/png/46105.png"}, map[string]any{"sticker_id": 46105.0}},
		{"message_contact", "contact", "Holly Gennero +447700900123", nil,
			map[string]any{"contact": map[string]any{"name": "Holly Gennero", "phone_number": "+447700900123"}}},
		{"message_location", "location", "", nil, map[string]any{"latitude": 50.76891, "longitude": 6.11499}},
		{"message_url", "text", "https://www.example.com/orders/8812", nil, map[string]any{"url": "https://www.example.com/orders/8812"}},
		{"message_keyboard_reply", "quick_reply", "Billing", nil, map[string]any{"payload": "Billing"}},
		{"message_rich_media", conversation.TypeUnsupported, "", nil, map[string]any{"viber_type": "rich_media"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			cb, err := Parse(callback(t, tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			items := inbound(testChannel, cb)
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			in := items[0]
			if in.Kind != conversation.KindMessage || in.Type != tc.typ || in.Text != tc.text || in.ExternalID != "01234567890A=" ||
				!strings.HasPrefix(in.ProviderMessageID, "491266184665523") || len(in.ProviderMessageID) != 19 {
				t.Errorf("item %+v", in)
			}
			if (tc.media == nil) != (len(in.Media) == 0) || (tc.media != nil && in.Media[0] != *tc.media) {
				t.Errorf("media %+v, want %+v", in.Media, tc.media)
			}
			var content map[string]any
			if err := json.Unmarshal(in.Content, &content); err != nil || content["type"] != tc.typ || content["viber"] == nil {
				t.Fatalf("content %s", in.Content)
			}
			for k, v := range tc.content {
				if got, _ := json.Marshal(content[k]); string(got) != mustJSON(v) {
					t.Errorf("content[%s] = %s, want %s", k, got, mustJSON(v))
				}
			}
			if p := in.Profile; p.FirstName == nil || *p.FirstName != "John" || p.LastName == nil || *p.LastName != "McClane" {
				t.Errorf("profile %+v", p)
			}
		})
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// A message token beyond 2^53 is kept digit for digit, whether Viber
// sends it as a number or a string.
func TestParseTokenPrecision(t *testing.T) {
	for _, body := range []string{
		`{"event":"delivered","message_token":5753750845017966998,"user_id":"u"}`,
		`{"event":"delivered","message_token":"5753750845017966998","user_id":"u"}`,
	} {
		cb, err := Parse([]byte(body))
		if err != nil || cb.MessageToken != "5753750845017966998" {
			t.Errorf("%s: %q %v", body, cb.MessageToken, err)
		}
	}
	for _, body := range []string{
		`{"event":"delivered","message_token":-1,"user_id":"u"}`,
		`{"event":"delivered","message_token":1.5,"user_id":"u"}`,
		`{"event":"delivered","message_token":{},"user_id":"u"}`,
	} {
		if _, err := Parse([]byte(body)); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("%s: %v", body, err)
		}
	}
}

// Receipts are statuses of our message; the callbacks that are no
// message are parsed and become nothing.
func TestParseEvents(t *testing.T) {
	for name, want := range map[string]string{"delivered": "delivered", "seen": "read", "failed": "failed"} {
		cb, err := Parse(callback(t, name))
		if err != nil {
			t.Fatal(err)
		}
		items := inbound(testChannel, cb)
		if len(items) != 1 || items[0].Kind != conversation.KindStatus || items[0].Status != want || items[0].ExternalID != "01234567890A=" {
			t.Errorf("%s: %+v", name, items)
		}
	}
	for _, name := range []string{"webhook", "subscribed", "unsubscribed", "conversation_started"} {
		cb, err := Parse(callback(t, name))
		if err != nil || cb.Event != name {
			t.Fatalf("%s: %+v %v", name, cb, err)
		}
		if items := inbound(testChannel, cb); len(items) != 0 {
			t.Errorf("%s: %+v", name, items)
		}
	}
	cb, err := Parse([]byte(`{"event":"client_status","timestamp":1}`))
	if err != nil || len(inbound(testChannel, cb)) != 0 {
		t.Errorf("an event not read: %+v %v", cb, err)
	}
}
