package line

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// FuzzParse feeds Parse arbitrary bodies, seeded with the fixtures of
// testdata/events. Parse must never panic, must refuse only with a 400,
// must be deterministic; and what it accepts must become items the store
// can keep: one per event at most, the contact a chat id, a provider id
// within the limit, content that is valid JSON within the limit.
func FuzzParse(f *testing.F) {
	channeltest.AddSeedFiles(f, filepath.Join("testdata", "events", "*.json"))
	for _, s := range []string{``, `{}`, `null`, `{"events":[]}`, `{"events":[{}]}`,
		`{"events":[{"type":"message","message":{"id":"1","type":"text","text":"x"},"source":{"type":"user","userId":"U1"}}]}`,
		`{"events":[{"type":"postback","postback":{"data":"#2"},"source":{"type":"room","roomId":"R1","userId":"U1"}}]}`,
		`{"events":[{"type":"message","message":{"id":"2","type":"image","contentProvider":{"type":"external"}},"source":{"type":"group","groupId":"C1"}}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := Parse(body)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.KindBadRequest {
				t.Fatalf("refused with kind %q: %v", k, err)
			}
			return
		}
		again, err := Parse(body)
		if err != nil || !reflect.DeepEqual(d, again) {
			t.Fatalf("Parse is not deterministic on %q", body)
		}
		items, skipped := inbound(testChannel, d)
		if len(items)+skipped != len(d.Events)+d.Malformed {
			t.Fatalf("%d items and %d skipped of %d events (%d malformed)", len(items), skipped, len(d.Events), d.Malformed)
		}
		for _, in := range items {
			if in.ExternalID == "" || len(in.ExternalID) > maxIDLen {
				t.Fatalf("external id %q", in.ExternalID)
			}
			if in.ProviderMessageID == "" || len(in.ProviderMessageID) > conversation.MaxExternalLen {
				t.Fatalf("provider id %q", in.ProviderMessageID)
			}
			if in.Kind != conversation.KindMessage || in.WorkspaceID != testChannel.WorkspaceID || in.ChannelID != testChannel.ID {
				t.Fatalf("item %+v", in)
			}
			if in.Type == "" || !json.Valid(in.Content) || len(in.Content) > conversation.MaxContentBytes || !utf8.Valid(in.Content) {
				t.Fatalf("type %q content %q", in.Type, in.Content)
			}
			if in.Type == "quick_reply" && (!strings.HasPrefix(in.ProviderMessageID, "postback:") || strings.TrimSpace(in.Text) == "") {
				t.Fatalf("postback %+v", in)
			}
			for _, m := range in.Media {
				if m.Ref == "" || m.Kind == "" || m.Size < 0 {
					t.Fatalf("media %+v", m)
				}
			}
		}
	})
}
