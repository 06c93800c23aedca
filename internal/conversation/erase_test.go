package conversation

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Deleting a contact erases their events and their conversations' events
// from the log: each stays (the log is append-only, its consumers' cursors
// count on it), with its ids and what happened, but not a word the contact
// wrote nor their name, phone or email. Another contact's events are
// untouched.
func TestDeletingAContactErasesTheirEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		writes := func(external, name, phone, text string) Received {
			in := f.inbound(external, "in-"+external, text)
			in.Profile = contact.Input{FirstName: &name, Phone: &phone}
			return f.receiveOne(t, in)
		}
		gone := writes("erin", "Erin", "+14155550111", "my card number is 4242")
		kept := writes("kim", "Kim", "+14155550122", "hello from Kim")
		owner := access.Principal{WorkspaceID: f.ws.ID, UserID: 1, Role: access.RoleOwner}
		if _, err := f.svc.AddComment(ctx, owner, gone.ConversationID, CommentInput{Text: "Erin's card is 4242"}); err != nil {
			t.Fatal(err)
		}
		if err := contact.New(d).Delete(ctx, access.System(f.ws.ID), gone.ContactID); err != nil {
			t.Fatal(err)
		}

		erased := dbtest.Column[string](t, d, `SELECT payload FROM events WHERE contact_id = ? OR conversation_id = ? ORDER BY id`,
			gone.ContactID, gone.ConversationID)
		if len(erased) < 4 { // created, opened, received, comment, deleted
			t.Fatalf("the contact's events: %v", erased)
		}
		for _, p := range erased {
			for _, secret := range []string{"4242", "Erin", "14155550111"} {
				if strings.Contains(p, secret) {
					t.Errorf("an event of the deleted contact still says %q: %s", secret, p)
				}
			}
		}
		received := dbtest.Column[string](t, d, `SELECT payload FROM events WHERE type = 'message.received' AND conversation_id = ?`, gone.ConversationID)
		if len(received) != 1 || !strings.Contains(received[0], `"erased":true`) || !strings.Contains(received[0], `"message_id":`) ||
			!strings.Contains(received[0], `"sender":"contact"`) {
			t.Errorf("the erased message.received: %v; want its ids and sender kept, erased:true", received)
		}
		other := dbtest.Column[string](t, d, `SELECT payload FROM events WHERE type = 'message.received' AND conversation_id = ?`, kept.ConversationID)
		if len(other) != 1 || !strings.Contains(other[0], "hello from Kim") {
			t.Errorf("another contact's message.received: %v; want it whole", other)
		}
	})
}
