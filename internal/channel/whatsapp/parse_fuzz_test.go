package whatsapp

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// FuzzParse: whatever the body, Parse answers a bad request or an
// envelope whose items are storable — each with a kind, an external id, a
// provider id and JSON content — and never panics.
func FuzzParse(f *testing.F) {
	channeltest.AddSeedFiles(f, filepath.Join("testdata", "*.json"))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[{"id":"x","from":"1","type":"interactive","interactive":{"type":"list_reply"}}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := Parse(body)
		if err != nil {
			if apperr.KindOf(err) != apperr.KindBadRequest {
				t.Fatalf("error %v is not a bad request", err)
			}
			return
		}
		for _, in := range inbound(channel.Channel{ID: 1, WorkspaceID: 1}, testPhoneNumberID, env) {
			switch in.Kind {
			case conversation.KindMessage, conversation.KindReaction:
				if in.ExternalID == "" || in.ProviderMessageID == "" || in.Type == "" || !json.Valid(in.Content) {
					t.Fatalf("unstorable %+v", in)
				}
				if len(in.Content) > conversation.MaxContentBytes {
					t.Fatalf("content of %d bytes", len(in.Content))
				}
				if in.Kind == conversation.KindReaction && in.Target == "" {
					t.Fatalf("a reaction without its target: %+v", in)
				}
			case conversation.KindStatus:
				if in.ProviderMessageID == "" || in.Status == "" {
					t.Fatalf("unstorable status %+v", in)
				}
			default:
				t.Fatalf("kind %q", in.Kind)
			}
		}
	})
}
