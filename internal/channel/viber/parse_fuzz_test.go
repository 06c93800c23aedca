package viber

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

// FuzzParse feeds Parse arbitrary bodies, seeded with the callbacks of
// testdata/callbacks. Parse must never panic, must refuse only with a
// 400, must be deterministic; and what it accepts must become at most one
// item the store can keep: a contact id and a provider id within the
// limits, a message token of digits, content that is valid JSON within
// the limit, media by http(s) URL.
func FuzzParse(f *testing.F) {
	channeltest.AddSeedFiles(f, filepath.Join("testdata", "callbacks", "*.json"))
	for _, s := range []string{``, `{}`, `null`, `{"event":"message"}`, `{"event":"seen","message_token":1,"user_id":"u"}`,
		`{"event":"message","message_token":"12","sender":{"id":"u"},"message":{"type":"picture","media":"https://x/y"}}`,
		`{"event":"message","message_token":1,"sender":{"id":"u"},"message":{"type":"text","text":"a","tracking_data":"switchboard:replies:[\"a\"]"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, err := Parse(body)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.KindBadRequest {
				t.Fatalf("refused with kind %q: %v", k, err)
			}
			return
		}
		again, err := Parse(body)
		if err != nil || !reflect.DeepEqual(cb, again) {
			t.Fatalf("Parse is not deterministic on %q", body)
		}
		items := inbound(testChannel, cb)
		if len(items) > 1 {
			t.Fatalf("%d items from one callback", len(items))
		}
		for _, in := range items {
			if strings.TrimSpace(in.ExternalID) == "" || len(in.ExternalID) > conversation.MaxExternalLen || !utf8.ValidString(in.ExternalID) {
				t.Fatalf("external id %q", in.ExternalID)
			}
			if in.ProviderMessageID == "" || strings.Trim(in.ProviderMessageID, "0123456789") != "" || len(in.ProviderMessageID) > conversation.MaxExternalLen {
				t.Fatalf("provider id %q", in.ProviderMessageID)
			}
			switch in.Kind {
			case conversation.KindStatus:
				if in.Status == "" || in.Content != nil {
					t.Fatalf("status %+v", in)
				}
				continue
			case conversation.KindMessage:
			default:
				t.Fatalf("kind %q", in.Kind)
			}
			if in.Type == "" || !json.Valid(in.Content) || len(in.Content) > conversation.MaxContentBytes || !utf8.Valid(in.Content) {
				t.Fatalf("type %q content %q", in.Type, in.Content)
			}
			for _, m := range in.Media {
				if !isHTTPURL(m.Ref) || len(m.Ref) > conversation.MaxMediaRefLen || m.Kind == "" || m.Size < 0 {
					t.Fatalf("media %+v", m)
				}
			}
		}
	})
}
