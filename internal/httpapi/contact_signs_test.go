package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// An agent typing a reply on the live socket shows the WhatsApp contact
// the typing indicator, on the message they sent; a person reading the
// conversation marks it read for the contact.
func TestContactSigns(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *httpapi.Deps) {
			deps.Signs = channel.NewSigns(deps.Channels, d, nil)
		})
		bodies := make(chan map[string]any, 4)
		cloud := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != "/v21.0/106540352242922/messages" {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			var b map[string]any
			raw, _ := io.ReadAll(r.Body)
			json.Unmarshal(raw, &b)
			bodies <- b
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"success":true}`)
		}))
		defer cloud.Close()
		cfg, _ := json.Marshal(map[string]string{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
			"access_token": "EAAG-good", "app_secret": "s", "api_base_url": cloud.URL})
		wa, err := newChannels(t, d).Create(context.Background(), f.ws.ID, channel.Input{Type: "whatsapp", Name: "WhatsApp", Config: cfg})
		must0(t, err)
		got, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws.ID,
			ChannelID: wa.ID, ExternalID: "16505551234", ProviderMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZC", Type: "text", Text: "Hello?"}})
		must0(t, err)

		owner := f.openLive(t, "owner", "")
		owner.send(t, `{"type":"typing","conversation_id":`+strconv.FormatInt(got[0].ConversationID, 10)+`,"state":"start"}`)
		select {
		case b := <-bodies:
			if b["message_id"] != "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZC" || b["status"] != "read" || b["messaging_product"] != "whatsapp" {
				t.Errorf("%v", b)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the contact was never shown the agent typing")
		}

		f.vars["conv"] = strconv.FormatInt(got[0].ConversationID, 10)
		f.run(t, []scenario{{name: "the owner reads it", method: "POST", path: "/api/v1/conversations/{{conv}}/read", as: "owner", status: 204}})
		select {
		case b := <-bodies:
			if b["message_id"] != "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZC" || b["status"] != "read" || b["typing_indicator"] != nil {
				t.Errorf("%v", b)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the contact was never told their message was read")
		}
	})
}
