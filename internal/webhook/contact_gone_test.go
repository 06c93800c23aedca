package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
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
