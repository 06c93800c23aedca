package messenger

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// FuzzParse feeds Parse arbitrary bodies, seeded with the fixtures of
// both platforms. Parse must never panic and refuses only with a 400; it
// is deterministic; and what it accepts maps, on either platform, to
// items the receive path can store: known kinds, a contact id, ids and
// types within bounds, content a JSON object within bounds, statuses
// among ours.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"messenger", "instagram"} {
		channeltest.AddSeedFiles(f, filepath.Join("testdata", dir, "*.json"))
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"entry":[null]}`, `{"entry":[{"messaging":[null]}]}`,
		`{"object":"page","entry":[{"id":1,"messaging":[{"sender":{"id":"1"},"message":{"attachments":[null,{"payload":null}]}}]}]}`,
		`{"object":"page","entry":[{"messaging":[{"sender":{"user_ref":"u"},"read":{"watermark":9223372036854775807}}]}]}`} {
		f.Add([]byte(s))
	}
	kinds := map[string]bool{conversation.KindMessage: true, conversation.KindEcho: true, conversation.KindStatus: true,
		conversation.KindReaction: true, conversation.KindEdit: true}
	statuses := map[string]bool{channel.StatusDelivered: true, channel.StatusRead: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := Parse(body)
		if err != nil {
			if apperr.KindOf(err) != apperr.KindBadRequest {
				t.Fatalf("refused with kind %q: %v", apperr.KindOf(err), err)
			}
			return
		}
		again, _ := Parse(body)
		if !reflect.DeepEqual(d, again) {
			t.Fatal("Parse is not deterministic")
		}
		for _, p := range []platform{messengerPlatform, instagramPlatform} {
			pr := newProvider(p, nil)
			ch := testChannel(p, true)
			var cfg Config // no id: every entry is the channel's
			items, _ := pr.inbound(ch, cfg, d)
			for _, in := range items {
				switch {
				case !kinds[in.Kind]:
					t.Fatalf("kind %q", in.Kind)
				case in.ExternalID == "" || len(in.ExternalID) > conversation.MaxExternalLen || !utf8.ValidString(in.ExternalID):
					t.Fatalf("external id %q", in.ExternalID)
				case len(in.ProviderMessageID) > conversation.MaxExternalLen || len(in.Target) > conversation.MaxExternalLen:
					t.Fatalf("ids %q %q", in.ProviderMessageID, in.Target)
				case in.Kind == conversation.KindStatus && (!statuses[in.Status] || (in.ProviderMessageID == "") == in.Watermark.IsZero()):
					t.Fatalf("status %+v", in)
				case in.Kind != conversation.KindStatus && (in.Type == "" || utf8.RuneCountInString(in.Type) > conversation.MaxTypeLen):
					t.Fatalf("type %q", in.Type)
				case (in.Kind == conversation.KindReaction || in.Kind == conversation.KindEdit) && in.Target == "":
					t.Fatalf("a reaction or edit without its message: %+v", in)
				}
				if in.Kind != conversation.KindStatus {
					var obj map[string]any
					if len(in.Content) > conversation.MaxContentBytes || json.Unmarshal(in.Content, &obj) != nil || obj == nil {
						t.Fatalf("content %q", in.Content)
					}
				}
				for _, m := range in.Media {
					if m.Ref == "" || m.Kind == "" {
						t.Fatalf("media %+v", m)
					}
				}
			}
		}
	})
}
