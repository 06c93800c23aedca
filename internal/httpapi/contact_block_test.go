package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An owner blocks a contact: their conversation closes, a message of
// theirs is stored in none, nobody may open one for them; unblocked,
// their next message opens one. Unknown contacts are a 404 and change
// nothing.
func TestBlockContactAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550188", "Spam", "block-1")
		f.vars["contactID"] = itoa(r.ContactID)
		f.vars["conversationID"] = itoa(r.ConversationID)
		f.run(t, []scenario{
			{name: "block", method: "POST", path: "/api/v1/contacts/{{contactID}}/block", as: "owner", status: 200, want: []string{`"blocked_at":"`, `"blocked_by":`}},
			{name: "the conversation closed", method: "GET", path: "/api/v1/conversations/{{conversationID}}", as: "owner", status: 200,
				want: []string{`"status":"closed"`, `"close_summary":"Contact blocked"`}},
			{name: "nobody opens one for them", method: "POST", path: "/api/v1/conversations", as: "owner", body: `{"contact_id": {{contactID}}}`, status: 409,
				want: []string{"blocked"}},
			{name: "blocking again changes nothing", method: "POST", path: "/api/v1/contacts/{{contactID}}/block", as: "manager", status: 200},
			{name: "an unknown contact", method: "POST", path: "/api/v1/contacts/999999/block", as: "owner", status: 404},
		})
		if got := f.inbound(t, "+14155550188", "Spam", "block-2"); !got.Blocked || got.ConversationID != 0 {
			t.Fatalf("a blocked contact's message: %+v", got)
		}
		f.run(t, []scenario{
			{name: "unblock", method: "POST", path: "/api/v1/contacts/{{contactID}}/unblock", as: "integration", status: 200, notWant: []string{`"blocked_at"`}},
			{name: "an unknown contact", method: "POST", path: "/api/v1/contacts/999999/unblock", as: "owner", status: 404},
		})
		if got := f.inbound(t, "+14155550188", "Spam", "block-3"); !got.Opened {
			t.Errorf("after the unblock: %+v, want a conversation opened", got)
		}
	})
}
