package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The inbox's retry and shortcut menu over HTTP: every member lists the
// shortcuts; a retry of a message that did not fail, or of one that is not
// there, is refused and changes nothing.
func TestRetryAndShortcutRoutes(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		got := f.inbound(t, "+33611111111", "Léa", "m-retry-1")
		f.vars["conv"] = fmt.Sprint(got.ConversationID)
		f.run(t, []scenario{
			{name: "agents list the shortcuts", method: "GET", path: "/api/v1/shortcuts", as: "agent", status: 200, want: []string{`"data":[]`}},
			{name: "a reply", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"text":"on it"}`, status: 202, capture: "msg"},
			{name: "a pending message is not retried", method: "POST", path: "/api/v1/messages/{{msg}}/retry", as: "agent",
				status: 409, want: []string{"only a failed outbound message"}},
			{name: "an unknown message", method: "POST", path: "/api/v1/messages/999999/retry", as: "agent", status: 404},
			{name: "no token", method: "POST", path: "/api/v1/messages/{{msg}}/retry", status: 401},
		})
	})
}
