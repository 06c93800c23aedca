package telegram

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// FuzzParse feeds Parse arbitrary bodies, seeded with the fixtures of
// testdata/updates. Parse must never panic, must refuse only with a 400,
// must be deterministic; and what it accepts must become at most one item
// that the store can keep: the contact a chat id, a provider id of the
// chat, content that is valid JSON within the limit.
func FuzzParse(f *testing.F) {
	channeltest.AddSeedFiles(f, filepath.Join("testdata", "updates", "*.json"))
	for _, s := range []string{``, `{}`, `null`, `{"update_id":1}`, `{"update_id":1,"message":{"message_id":1,"chat":{"id":1}}}`,
		`{"update_id":1,"callback_query":{"id":"q","from":{"id":1},"message":{"message_id":1,"chat":{"id":1}},"data":"#1"}}`,
		`{"update_id":1,"edited_message":{"message_id":1,"chat":{"id":-5},"photo":[{"file_id":""}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := Parse(body)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.KindBadRequest {
				t.Fatalf("refused with kind %q: %v", k, err)
			}
			return
		}
		again, err := Parse(body)
		if err != nil || !reflect.DeepEqual(u, again) {
			t.Fatalf("Parse is not deterministic on %q", body)
		}
		items := inbound(testChannel, u)
		if len(items) > 1 {
			t.Fatalf("%d items from one update", len(items))
		}
		for _, in := range items {
			chat, err := strconv.ParseInt(in.ExternalID, 10, 64)
			if err != nil || chat == 0 {
				t.Fatalf("external id %q is not a chat id", in.ExternalID)
			}
			if in.Kind == conversation.KindMoved {
				// A group's upgrade notice: a move between two chats, no message.
				former, err := strconv.ParseInt(in.FormerExternalID, 10, 64)
				if err != nil || former == 0 || in.ProviderMessageID != "" || in.Content != nil {
					t.Fatalf("move %+v", in)
				}
				continue
			}
			if !strings.HasPrefix(in.ProviderMessageID, in.ExternalID+":") || len(in.ProviderMessageID) > conversation.MaxExternalLen {
				t.Fatalf("provider id %q of chat %q", in.ProviderMessageID, in.ExternalID)
			}
			if in.Kind != conversation.KindMessage && in.Kind != conversation.KindEdit {
				t.Fatalf("kind %q", in.Kind)
			}
			if in.Kind == conversation.KindEdit && !strings.HasPrefix(in.ProviderMessageID, in.Target+":edit:") {
				t.Fatalf("edit %q of %q", in.ProviderMessageID, in.Target)
			}
			if in.Type == "" || !json.Valid(in.Content) || len(in.Content) > conversation.MaxContentBytes || !utf8.Valid(in.Content) {
				t.Fatalf("type %q content %q", in.Type, in.Content)
			}
			for _, m := range in.Media {
				if m.Ref == "" || m.Kind == "" || m.Size < 0 {
					t.Fatalf("media %+v", m)
				}
			}
		}
	})
}
