package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
	"github.com/switchboard-chat/switchboard/internal/satisfaction/satisfactiontest"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// An endpoint subscribed to conversation.rated hears a contact's answer
// to their satisfaction survey (a CRM keeps the CSAT), with the rating
// and comment as data.
func TestRatingIsDelivered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, webhook.Options{})
		wants := newReceiver(t, func(int, received, http.ResponseWriter) {})
		e.endpoint(t, wants, "conversation.rated")
		e.run(t, webhook.DispatcherOptions{Concurrency: 2})
		r, err := e.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID, ChannelID: e.ch.ID,
			ExternalID: "+14155550101", ProviderMessageID: "in-1", Type: "text", Text: "hi"}})
		if err != nil {
			t.Fatal(err)
		}
		conv := r[0].ConversationID
		satisfactiontest.Sent(t, d, e.ws.ID, conv, "tok")
		if _, err := satisfaction.New(d, satisfaction.Options{}).Rate(ctx, "tok", 5, "Great"); err != nil {
			t.Fatal(err)
		}
		e.until(t, "the rating delivered", func() bool { return len(wants.accepted()) == 1 })
		e.idle(t)
		got := wants.accepted()[0]
		var data struct {
			Rating  int    `json:"rating"`
			Comment string `json:"comment"`
		}
		if err := json.Unmarshal(got.payload.Data, &data); err != nil || got.eventType != "conversation.rated" || got.payload.ConversationID != conv ||
			data.Rating != 5 || data.Comment != "Great" {
			t.Fatalf("delivered %s %+v, data %+v (%v)", got.eventType, got.payload, data, err)
		}
	})
}
