package telegram

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

// testChannel is the channel fixtures are parsed for.
var testChannel = channel.Channel{ID: 7, WorkspaceID: 3, Type: Type}

// update reads testdata/updates/<name>.json.
func update(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "updates", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every documented update kind becomes the item conversation.Receive
// stores: the contact is the chat, message ids are unique per chat, media
// are references to Telegram's files (the largest photo), edits name the
// message they change, a button press answers with its option.
func TestParseFixtures(t *testing.T) {
	const chat = "111222333"
	for _, tc := range []struct {
		file      string
		kind      string // "" for none
		typ       string
		text      string
		id        string
		target    string
		media     *conversation.MediaRef
		content   []string // fragments of the stored content
		timestamp int64
	}{
		{file: "message_text", kind: conversation.KindMessage, typ: "text", text: "Hello, I need help with billing", id: chat + ":1365",
			content: []string{`"type":"text"`, `"text":"Hello, I need help with billing"`, `"telegram":{"message_id":1365`}, timestamp: 1441645532},
		{file: "message_photo", kind: conversation.KindMessage, typ: "attachment", text: "my invoice", id: chat + ":1366",
			media:   &conversation.MediaRef{Ref: "AgACAgQAAxkBAAIBX2-large", Kind: "image", ContentType: "image/jpeg", Size: 81563, Caption: "my invoice"},
			content: []string{`"attachment":{"content_type":"image/jpeg","file_id":"AgACAgQAAxkBAAIBX2-large","size":81563,"type":"image"}`}},
		{file: "message_document", kind: conversation.KindMessage, typ: "attachment", id: chat + ":1367",
			media: &conversation.MediaRef{Ref: "BQACAgQAAxkBAAIBYGdocument", Kind: "file", ContentType: "application/pdf", FileName: "invoice-2026-03.pdf", Size: 48213}},
		{file: "message_voice", kind: conversation.KindMessage, typ: "attachment", id: chat + ":1368",
			media: &conversation.MediaRef{Ref: "AwACAgQAAxkBAAIBYWvoice", Kind: "audio", ContentType: "audio/ogg", Size: 11520}},
		{file: "message_audio", kind: conversation.KindMessage, typ: "attachment", id: chat + ":1369",
			media: &conversation.MediaRef{Ref: "CQACAgQAAxkBAAIBYmaudio", Kind: "audio", ContentType: "audio/mpeg", FileName: "song.mp3", Size: 3897500}},
		{file: "message_video", kind: conversation.KindMessage, typ: "attachment", text: "the error, filmed", id: chat + ":1370",
			media: &conversation.MediaRef{Ref: "BAACAgQAAxkBAAIBY2video", Kind: "video", ContentType: "video/mp4", FileName: "bug.mp4", Size: 2274710, Caption: "the error, filmed"}},
		{file: "message_sticker", kind: conversation.KindMessage, typ: "attachment", id: chat + ":1371",
			media: &conversation.MediaRef{Ref: "CAACAgIAAxkBAAIBZHsticker", Kind: "sticker", ContentType: "image/webp", Size: 23846}},
		{file: "message_location", kind: conversation.KindMessage, typ: "location", id: chat + ":1372",
			content: []string{`"latitude":48.85837`, `"longitude":2.294481`, `"type":"location"`}},
		{file: "message_contact", kind: conversation.KindMessage, typ: "contact", text: "Charles Babbage +33612345678", id: chat + ":1373",
			content: []string{`"contact":{"phone_number":"+33612345678","first_name":"Charles","last_name":"Babbage","user_id":444555666}`}},
		{file: "message_poll", kind: conversation.KindMessage, typ: conversation.TypeUnsupported, id: chat + ":1374",
			content: []string{`"type":"unsupported"`, `"poll":{"id":"5843520930571239425"`}},
		{file: "edited_message", kind: conversation.KindEdit, typ: "text", text: "Hello, I need help with my invoice",
			id: chat + ":1365:edit:10010", target: chat + ":1365", timestamp: 1441645700},
		{file: "callback_query", kind: conversation.KindMessage, typ: "quick_reply", text: "Billing", id: chat + ":cb:4382bfdwdsb323b2d9",
			content: []string{`"payload":"Billing"`, `"reply_to":"111222333:1380"`}},
		{file: "callback_query_long_option", kind: conversation.KindMessage, typ: "quick_reply",
			text: "I would like to talk to someone about upgrading our plan to the enterprise tier", id: chat + ":cb:4382bfdwdsb323b2e1"},
		// The keyboard's message is too old to be included: the index
		// stands, which Ask a Question reads as its third option.
		{file: "callback_query_inaccessible", kind: conversation.KindMessage, typ: "quick_reply", text: "3", id: chat + ":cb:4382bfdwdsb323b2f7"},
		{file: "my_chat_member"},
		{file: "message_group", kind: conversation.KindMessage, typ: "text", text: "Is the API down?", id: "-1001234567890:17"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			u, err := Parse(update(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			items := inbound(testChannel, u)
			if tc.kind == "" {
				if len(items) != 0 || u.Kind != "my_chat_member" {
					t.Fatalf("kind %q gave %+v, want nothing", u.Kind, items)
				}
				return
			}
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			in := items[0]
			if in.Kind != tc.kind || in.Type != tc.typ || in.Text != tc.text || in.ProviderMessageID != tc.id || in.Target != tc.target {
				t.Errorf("got kind %q type %q text %q id %q target %q", in.Kind, in.Type, in.Text, in.ProviderMessageID, in.Target)
			}
			if in.WorkspaceID != 3 || in.ChannelID != 7 {
				t.Errorf("channel %d/%d", in.WorkspaceID, in.ChannelID)
			}
			wantExternal := chat
			if tc.file == "message_group" {
				wantExternal = "-1001234567890"
			}
			if in.ExternalID != wantExternal {
				t.Errorf("external id %q", in.ExternalID)
			}
			switch {
			case tc.media == nil && len(in.Media) != 0:
				t.Errorf("media %+v, want none", in.Media)
			case tc.media != nil && (len(in.Media) != 1 || in.Media[0] != *tc.media):
				t.Errorf("media %+v, want %+v", in.Media, *tc.media)
			}
			if !json.Valid(in.Content) || !strings.Contains(string(in.Content), `"type":"`+tc.typ+`"`) {
				t.Errorf("content %s", in.Content)
			}
			for _, frag := range tc.content {
				if !strings.Contains(string(in.Content), frag) {
					t.Errorf("content %s lacks %s", in.Content, frag)
				}
			}
			if tc.timestamp != 0 && !in.Timestamp.Equal(time.Unix(tc.timestamp, 0)) {
				t.Errorf("timestamp %v", in.Timestamp)
			}
		})
	}
}

// The contact's profile comes from the sender of a private chat; a group
// is a contact named after its title.
func TestParseProfile(t *testing.T) {
	u, _ := Parse(update(t, "message_text"))
	p := inbound(testChannel, u)[0].Profile
	if p.FirstName == nil || *p.FirstName != "Ada" || p.LastName == nil || *p.LastName != "Lovelace" || p.Language == nil || *p.Language != "en" {
		t.Errorf("profile %+v", p)
	}
	u, _ = Parse(update(t, "callback_query"))
	if p := inbound(testChannel, u)[0].Profile; p.FirstName == nil || *p.FirstName != "Ada" {
		t.Errorf("callback profile %+v", p)
	}
	u, _ = Parse(update(t, "message_group"))
	if p := inbound(testChannel, u)[0].Profile; p.FirstName == nil || *p.FirstName != "Acme customers" || p.LastName != nil || p.Language != nil {
		t.Errorf("group profile %+v", p)
	}
}

// What Telegram never sends is a 400, never a panic or a store.
func TestParseMalformed(t *testing.T) {
	for _, body := range []string{
		``, `null`, `[]`, `"x"`, `{`, `{}`, `{"update_id":"1"}`, `{"update_id":-1}`, `{"update_id":1.5}`,
		`{"update_id":1,"message":{"chat":{"id":1}}}`,
		`{"update_id":1,"message":{"message_id":1}}`,
		`{"update_id":1,"message":{"message_id":1,"chat":{"id":"x"}}}`,
		`{"update_id":1,"message":"hi"}`,
		`{"update_id":1,"edited_message":{"message_id":0,"chat":{"id":1}}}`,
		`{"update_id":1,"callback_query":{"from":{"id":1}}}`,
		`{"update_id":1,"callback_query":{"id":"q","from":{"id":0}}}`,
		`{"update_id":1,"callback_query":{"id":"q","from":{"id":1},"message":{"message_id":1,"chat":{}}}}`,
		"{\"update_id\":1,\"message\":{\"message_id\":1,\"chat\":{\"id\":1},\"text\":\"\xff\"}}",
	} {
		_, err := Parse([]byte(body))
		if apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("Parse(%q) = %v, want a 400", body, err)
		}
	}
	// A kind without a member Switchboard reads, or a null one, is parsed
	// and acknowledged.
	for _, body := range []string{`{"update_id":1}`, `{"update_id":1,"poll":{"id":"1"}}`, `{"update_id":1,"message":null,"chat_member":{}}`} {
		u, err := Parse([]byte(body))
		if err != nil || len(inbound(testChannel, u)) != 0 {
			t.Errorf("Parse(%q) = %+v, %v", body, u, err)
		}
	}
}
