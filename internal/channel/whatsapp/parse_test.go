package whatsapp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

const (
	testPhoneNumberID = "106540352242922"
	testFrom          = "16505551234"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parseFixture parses a fixture into the items a channel stores.
func parseFixture(t *testing.T, name string) []conversation.Inbound {
	t.Helper()
	env, err := Parse(fixture(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return inbound(channel.Channel{ID: 7, WorkspaceID: 3}, testPhoneNumberID, env)
}

// Every inbound type and status of Meta's documented examples, parsed.
func TestParseFixtures(t *testing.T) {
	type media struct{ ref, kind, ct, name, caption string }
	tests := []struct {
		fixture         string
		kind, typ, text string
		status, reason  string
		target          string
		media           *media
		content         []string // fragments of the stored content
		providerID      string
	}{
		{fixture: "text", kind: "message", typ: "text", text: "Does it come in another color?",
			providerID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", content: []string{`"type":"text"`, `"whatsapp":{`}},
		{fixture: "image", kind: "message", typ: "attachment", text: "This is the one I ordered",
			media: &media{"1003383421387256", "image", "image/jpeg", "", "This is the one I ordered"}, content: []string{`"attachment":{"content_type":"image/jpeg","type":"image"}`}},
		{fixture: "audio", kind: "message", typ: "attachment", media: &media{"1003383421387257", "audio", "audio/ogg; codecs=opus", "", ""}},
		{fixture: "video", kind: "message", typ: "attachment", text: "Unboxing", media: &media{"1003383421387258", "video", "video/mp4", "", "Unboxing"}},
		{fixture: "document", kind: "message", typ: "attachment", text: "My invoice",
			media: &media{"1003383421387259", "file", "application/pdf", "invoice-0142.pdf", "My invoice"}, content: []string{`"file_name":"invoice-0142.pdf"`}},
		{fixture: "sticker", kind: "message", typ: "attachment", media: &media{"1003383421387260", "sticker", "image/webp", "", ""}},
		{fixture: "location", kind: "message", typ: "location", text: "Meta Headquarters, 1 Hacker Way, Menlo Park, CA 94025",
			content: []string{`"latitude":37.483307`, `"longitude":-122.148981`}},
		{fixture: "contacts", kind: "message", typ: "contacts", text: "Barbara J. Johnson +1 (940) 555-1234"},
		{fixture: "button_reply", kind: "message", typ: "quick_reply", text: "Billing", content: []string{`"payload":"Billing"`, `"reply_to":"wamid.question1"`}},
		{fixture: "button_reply_cut", kind: "message", typ: "quick_reply", text: "Technical support for my account"},
		{fixture: "list_reply", kind: "message", typ: "quick_reply", text: "Priority Mail Express", content: []string{`"payload":"priority_express"`}},
		{fixture: "button", kind: "message", typ: "quick_reply", text: "Stop promotions", content: []string{`"payload":"Unsubscribe"`}},
		{fixture: "reaction", kind: "reaction", typ: "reaction", text: "👍", target: "wamid.outbound1"},
		{fixture: "reaction_removed", kind: "reaction", typ: "reaction", text: "", target: "wamid.outbound1"},
		{fixture: "unsupported", kind: "message", typ: conversation.TypeUnsupported,
			content: []string{`"whatsapp_type":"unsupported"`, `"reason":"Message type unknown: Message type is currently not supported. (code 131051)"`, `"poll_creation"`}},
		{fixture: "unknown", kind: "message", typ: conversation.TypeUnsupported, content: []string{`"whatsapp_type":"unknown"`, `(code 131051)`}},
		{fixture: "system", kind: "message", typ: conversation.TypeUnsupported, content: []string{`"whatsapp_type":"system"`, `user_changed_number`}},
		{fixture: "status_sent", kind: "message_status", status: "sent", providerID: "wamid.outbound1"},
		{fixture: "status_delivered", kind: "message_status", status: "delivered", providerID: "wamid.outbound1"},
		{fixture: "status_read", kind: "message_status", status: "read", providerID: "wamid.outbound1"},
		{fixture: "status_failed", kind: "message_status", status: "failed", providerID: "wamid.outbound2",
			reason: "Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number. (code 131047)"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			items := parseFixture(t, tt.fixture)
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			in := items[0]
			if in.Kind != tt.kind || in.Type != tt.typ || in.Text != tt.text || in.Status != tt.status || in.Reason != tt.reason || in.Target != tt.target {
				t.Errorf("kind %q type %q text %q status %q reason %q target %q", in.Kind, in.Type, in.Text, in.Status, in.Reason, in.Target)
			}
			if in.WorkspaceID != 3 || in.ChannelID != 7 || in.ExternalID != testFrom || in.ProviderMessageID == "" {
				t.Errorf("ids: %+v", in)
			}
			if tt.providerID != "" && in.ProviderMessageID != tt.providerID {
				t.Errorf("provider id %q", in.ProviderMessageID)
			}
			if in.Kind != conversation.KindStatus {
				if in.Timestamp != time.Unix(1749416383, 0).UTC() {
					t.Errorf("timestamp %v", in.Timestamp)
				}
				if in.Profile.FirstName == nil || *in.Profile.FirstName != "Sheena" || *in.Profile.LastName != "Nelson" || *in.Profile.Phone != "+"+testFrom {
					t.Errorf("profile %+v", in.Profile)
				}
				if !json.Valid(in.Content) {
					t.Errorf("content %s", in.Content)
				}
			}
			for _, frag := range tt.content {
				if !strings.Contains(string(in.Content), frag) {
					t.Errorf("content %s lacks %s", in.Content, frag)
				}
			}
			if tt.media == nil && len(in.Media) != 0 {
				t.Errorf("media %+v", in.Media)
			}
			if m := tt.media; m != nil {
				want := conversation.MediaRef{Ref: m.ref, Kind: m.kind, ContentType: m.ct, FileName: m.name, Caption: m.caption}
				if len(in.Media) != 1 || in.Media[0] != want {
					t.Errorf("media %+v, want %+v", in.Media, want)
				}
			}
		})
	}
}

// Changes for another phone number of the same app, and account-level
// errors, store nothing.
func TestParseNothingToStore(t *testing.T) {
	for _, name := range []string{"other_phone_number", "account_errors"} {
		if items := parseFixture(t, name); len(items) != 0 {
			t.Errorf("%s: %+v", name, items)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	for _, body := range []string{
		``,
		`nope`,
		`[]`,
		`{"object":"page","entry":[]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":"1","type":"text"}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"id":"x","from":"1","timestamp":"yesterday"}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"statuses":[{"status":"read"}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":{"id":"x"}}}]}]}`,
	} {
		if _, err := Parse([]byte(body)); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("Parse(%s) = %v, want a bad request", body, err)
		}
	}
}

// A message whose type's object is missing is kept as unsupported, not
// dropped or refused.
func TestParseTypeWithoutItsObject(t *testing.T) {
	for _, typ := range []string{"text", "image", "location", "contacts", "interactive", "button", "reaction", "order"} {
		body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"` + testPhoneNumberID +
			`"},"messages":[{"id":"wamid.` + typ + `","from":"` + testFrom + `","timestamp":"1","type":"` + typ + `"}]}}]}]}`
		env, err := Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		items := inbound(channel.Channel{ID: 1}, testPhoneNumberID, env)
		if len(items) != 1 || items[0].Type != conversation.TypeUnsupported || items[0].Kind != conversation.KindMessage {
			t.Errorf("%s: %+v", typ, items)
		}
	}
}

// A payload over the stored content's limit keeps the message, without
// WhatsApp's payload.
func TestParseHugePayload(t *testing.T) {
	card := `{"name":{"formatted_name":"Big"},"phones":[{"phone":"+1 555"}],"note":"` + strings.Repeat("x", 70_000) + `"}`
	body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"` + testPhoneNumberID +
		`"},"messages":[{"id":"wamid.big","from":"` + testFrom + `","timestamp":"1","type":"contacts","contacts":[` + card + `]}]}}]}]}`
	env, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	items := inbound(channel.Channel{ID: 1}, testPhoneNumberID, env)
	if len(items) != 1 || items[0].Text != "Big +1 555" || len(items[0].Content) > conversation.MaxContentBytes ||
		!strings.Contains(string(items[0].Content), "whatsapp_omitted") {
		t.Fatalf("%d bytes: %+v", len(items[0].Content), items)
	}
}
