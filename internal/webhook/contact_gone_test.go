package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// An integrator that mirrors contacts (a CRM) hears when one is gone: a
// merge says which contact was kept and which one went into it, a
// deletion which contact to forget. An endpoint subscribed to neither
// hears neither.
func TestContactMergedAndDeletedAreDelivered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, webhook.Options{})
		ok := func(int, received, http.ResponseWriter) {}
		wants, other := newReceiver(t, ok), newReceiver(t, ok)
		e.endpoint(t, wants, "contact.merged", "contact.deleted")
		e.endpoint(t, other, "contact.created")
		contacts := contact.New(d)
		made := func(name, phone string) contact.Contact {
			c, err := contacts.Create(ctx, e.ws.ID, contact.Input{FirstName: &name, Phone: &phone})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		kept, twin, gone := made("Paul", "+14155550101"), made("Paul B.", "+14155550102"), made("Gus", "+14155550103")
		e.run(t, webhook.DispatcherOptions{Concurrency: 2})
		owner := access.Principal{WorkspaceID: e.ws.ID, UserID: 1, Role: access.RoleOwner}
		if _, err := contacts.Merge(ctx, owner, kept.ID, contact.MergeInput{From: twin.ID}); err != nil {
			t.Fatal(err)
		}
		if err := contacts.Delete(ctx, owner, gone.ID); err != nil {
			t.Fatal(err)
		}
		e.until(t, "the merge and the deletion delivered", func() bool { return len(wants.accepted()) == 2 })
		e.idle(t)
		// Neither has a conversation: they may come in either order.
		got := map[string]received{}
		for _, r := range wants.accepted() {
			got[r.eventType] = r
		}
		var merged struct {
			MergedContactID int64 `json:"merged_contact_id"`
		}
		m := got["contact.merged"]
		if err := json.Unmarshal(m.payload.Data, &merged); err != nil || m.payload.ContactID != kept.ID || merged.MergedContactID != twin.ID {
			t.Fatalf("contact.merged %+v, data %+v (%v); want %d merged into %d", m.payload, merged, err, twin.ID, kept.ID)
		}
		if del := got["contact.deleted"]; del.payload.ContactID != gone.ID {
			t.Fatalf("contact.deleted %+v; want contact %d", del.payload, gone.ID)
		}
		for _, r := range other.accepted() {
			if r.eventType == "contact.merged" || r.eventType == "contact.deleted" {
				t.Fatalf("an endpoint not subscribed got %s", r.eventType)
			}
		}
	})
}

// Deleting a contact erases the bodies of their deliveries in the
// delivery log, as it erases their events: what was sent stays listed,
// not what the person wrote or was.
func TestDeletingAContactErasesTheirDeliveries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(int, received, http.ResponseWriter) {})
		e.endpoint(t, rc, "contact.created", "message.received")
		e.run(t, webhook.DispatcherOptions{Concurrency: 2})
		name, phone := "Erin", "+14155550111"
		got, err := e.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID, ChannelID: e.ch.ID,
			ExternalID: "erin", ProviderMessageID: "in-1", Type: "text", Text: "my card number is 4242",
			Profile: contact.Input{FirstName: &name, Phone: &phone}}})
		if err != nil {
			t.Fatal(err)
		}
		e.until(t, "the contact and the message delivered", func() bool { return len(rc.accepted()) == 2 })
		owner := access.Principal{WorkspaceID: e.ws.ID, UserID: 1, Role: access.RoleOwner}
		if err := contact.New(d).Delete(ctx, owner, got[0].ContactID); err != nil {
			t.Fatal(err)
		}
		e.until(t, "the deletion read by the webhooks consumer", func() bool {
			return dbtest.Count(t, d, `SELECT COUNT(*) FROM event_consumers WHERE name = 'webhooks' AND last_id = (SELECT MAX(id) FROM events)`) == 1
		})
		e.idle(t)
		bodies := dbtest.Column[string](t, d, `SELECT body FROM webhook_deliveries ORDER BY id`)
		if len(bodies) != 2 {
			t.Fatalf("deliveries: %v", bodies)
		}
		for _, b := range bodies {
			if strings.Contains(b, "4242") || strings.Contains(b, "Erin") || strings.Contains(b, "14155550111") || !strings.Contains(b, `"erased":true`) {
				t.Errorf("a delivery of the deleted contact still says what they wrote or are: %s", b)
			}
		}
	})
}
