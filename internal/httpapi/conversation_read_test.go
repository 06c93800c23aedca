package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A person marks a conversation read and unread; the list says so for
// them alone; a workspace token and an unknown conversation are refused.
func TestMarkReadAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550177", "Ada", "read-1")
		f.vars["conversationID"] = itoa(r.ConversationID)
		list := "/api/v1/conversations?contact_id=" + itoa(r.ContactID)
		f.run(t, []scenario{
			{name: "unread at first", method: "GET", path: list, as: "agent", status: 200, want: []string{`"unread":true`}},
			{name: "mark it read", method: "POST", path: "/api/v1/conversations/{{conversationID}}/read", as: "agent", status: 204},
			{name: "read for the agent", method: "GET", path: list, as: "agent", status: 200, want: []string{`"unread":false`}},
			{name: "still unread for the manager", method: "GET", path: list, as: "manager", status: 200, want: []string{`"unread":true`}},
			{name: "a workspace token has no unread state", method: "POST", path: "/api/v1/conversations/{{conversationID}}/read", as: "integration", status: 400},
			{name: "an unknown conversation", method: "POST", path: "/api/v1/conversations/999999/read", as: "agent", status: 404},
			{name: "mark it unread", method: "DELETE", path: "/api/v1/conversations/{{conversationID}}/read", as: "agent", status: 204},
			{name: "unread again", method: "GET", path: list, as: "agent", status: 200, want: []string{`"unread":true`}},
		})
	})
}
