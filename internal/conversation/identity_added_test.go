package conversation

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// identityEvents are the payloads of a contact's contact.identity.added.
func identityEvents(t *testing.T, d *db.DB, contactID int64) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, raw := range dbtest.Column[string](t, d, `SELECT payload FROM events WHERE contact_id = ? AND type = 'contact.identity.added' ORDER BY id`, contactID) {
		var p map[string]any
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// A known contact who writes from a channel they were never on, and is
// recognised by their phone or email, gains that identity with
// contact.identity.added in their timeline, once; a new contact's first
// identity records none (contact.created says it), whichever path of a
// receive batch wrote it.
func TestAKnownContactWritingFromANewChannelIsRecorded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		byPhone := addContact(t, d, f.ws.ID, "Paul", "+14155550101", "")
		byEmail := addContact(t, d, f.ws.ID, "Eve", "", "eve@example.com")
		phone, email := "+1 415 555 0101", "Eve@Example.com"
		fromPhone := f.inbound("visitor-1", "p1", "hello")
		fromPhone.Profile = contact.Input{Phone: &phone}
		fromEmail := f.inbound("visitor-2", "e1", "hi")
		fromEmail.Profile = contact.Input{Email: &email}
		if _, err := f.svc.Receive(ctx, []Inbound{fromPhone, fromEmail, f.inbound("+14155550199", "n1", "new here")}); err != nil {
			t.Fatal(err)
		}
		again := f.inbound("visitor-1", "p2", "me again")
		again.Profile = contact.Input{Phone: &phone}
		if _, err := f.svc.Receive(ctx, []Inbound{again}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			contactID          int64
			external, matching string
		}{{byPhone, "visitor-1", "phone"}, {byEmail, "visitor-2", "email"}} {
			got := identityEvents(t, d, c.contactID)
			if len(got) != 1 || got[0]["external_id"] != c.external || got[0]["matched_by"] != c.matching || got[0]["reason"] != contact.IdentityWrote ||
				got[0]["channel_id"] != float64(f.channel.ID) || got[0]["user_id"] != nil {
				t.Errorf("contact %d: %v; want one, %s by %s", c.contactID, got, c.external, c.matching)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'contact.identity.added'`); n != 2 {
			t.Errorf("%d identity events in all; the new contact's first identity records none", n)
		}
	})
}

// An identity made to open a conversation on a channel the contact never
// wrote on is recorded too, with who opened it.
func TestAnIdentityMadeToOpenAConversationIsRecorded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.svc.SetAddressers(fakeAddressers{})
		ctx := context.Background()
		wa := addChannel(t, d, f.ws.ID, "whatsapp")
		c := addContact(t, d, f.ws.ID, "Paul", "+14155550101", "")
		agent, err := workspace.New(d).CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "ana@example.com", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: c, ChannelID: wa, Source: SourceUser, UserID: agent.ID}); err != nil {
			t.Fatal(err)
		}
		got := identityEvents(t, d, c)
		if len(got) != 1 || got[0]["external_id"] != "14155550101" || got[0]["matched_by"] != "phone" || got[0]["reason"] != contact.IdentityReached ||
			got[0]["channel_id"] != float64(wa) || got[0]["user_id"] != float64(agent.ID) {
			t.Fatalf("events: %v", got)
		}
	})
}
