package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// An endpoint subscribed to contact.identity.added hears when a known
// contact writes from a channel they were never on (an integrator's CRM
// learns the new address), with the event's payload as data; one not
// subscribed to it does not.
func TestIdentityAddedIsDelivered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, webhook.Options{})
		ok := func(int, received, http.ResponseWriter) {}
		wants, other := newReceiver(t, ok), newReceiver(t, ok)
		e.endpoint(t, wants, "contact.identity.added")
		e.endpoint(t, other, "contact.created")
		phone := "+14155550101"
		paul := "Paul"
		known, err := contact.New(d).Create(ctx, e.ws.ID, contact.Input{FirstName: &paul, Phone: &phone})
		if err != nil {
			t.Fatal(err)
		}
		e.run(t, webhook.DispatcherOptions{Concurrency: 2})
		if _, err := e.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID, ChannelID: e.ch.ID,
			ExternalID: "visitor-1", ProviderMessageID: "in-1", Type: "text", Text: "hi", Profile: contact.Input{Phone: &phone}}}); err != nil {
			t.Fatal(err)
		}
		e.until(t, "the identity delivered", func() bool { return len(wants.accepted()) == 1 })
		e.idle(t)
		got := wants.accepted()[0]
		var data struct {
			ExternalID string `json:"external_id"`
			MatchedBy  string `json:"matched_by"`
			Reason     string `json:"reason"`
			ChannelID  int64  `json:"channel_id"`
		}
		if err := json.Unmarshal(got.payload.Data, &data); err != nil || got.eventType != "contact.identity.added" || got.payload.ContactID != known.ID ||
			data.ExternalID != "visitor-1" || data.MatchedBy != "phone" || data.Reason != contact.IdentityWrote || data.ChannelID != e.ch.ID {
			t.Fatalf("delivered %s %+v, data %+v (%v)", got.eventType, got.payload, data, err)
		}
		for _, r := range other.accepted() {
			if r.eventType == "contact.identity.added" {
				t.Fatalf("an endpoint not subscribed got %s", r.eventType)
			}
		}
	})
}
