package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestStrictBodies checks that an API body is refused (400, changing
// nothing) when it holds a member the request does not have, a NUL
// character or invalid UTF-8, and that the answer says where.
func TestStrictBodies(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550101", "Ana", "m-1")
		f.vars["conv"], f.vars["ana"] = itoa(r.ConversationID), itoa(r.ContactID)
		f.run(t, []scenario{
			// A typo used to close the conversation without its note.
			{name: "close with a misspelt summary", method: "POST", path: "/api/v1/conversations/{{conv}}/close", as: "agent",
				body: `{"sumary":"refund sent"}`, status: 400,
				want: []string{`"code":"bad_request"`, `unknown field \"sumary\"`}},
			{name: "close naming who closes", method: "POST", path: "/api/v1/conversations/{{conv}}/close", as: "agent",
				body: `{"source":"auto_close"}`, status: 400, want: []string{`unknown field \"source\"`}},
			{name: "a contact with a misspelt field", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Eve","emial":"eve@example.com"}`, status: 400, want: []string{`unknown field \"emial\"`}},
			{name: "a workflow with a misspelt trigger member", method: "POST", path: "/api/v1/workflows", as: "manager",
				body:   `{"name":"w","trigger":{"type":"manual","once_per_contcat":true},"steps":[{"id":"a","type":"wait","settings":{"seconds":60}}]}`,
				status: 400, want: []string{`unknown field \"once_per_contcat\"`}},
			{name: "a routing request with a misspelt member", method: "POST", path: "/api/v1/conversations/{{conv}}/route", as: "agent",
				body: `{"target":"workspace","priorty":5}`, status: 400, want: []string{`unknown field \"priorty\"`}},

			{name: "NUL in a contact's name", method: "PATCH", path: "/api/v1/contacts/{{ana}}", as: "agent",
				body: `{"first_name":"A\u0000na"}`, status: 400, want: []string{`"field":"first_name"`, "NUL"}},
			{name: "NUL in a comment", method: "POST", path: "/api/v1/conversations/{{conv}}/comments", as: "agent",
				body: `{"text":"\u0000"}`, status: 400, want: []string{`"field":"text"`}},
			{name: "NUL in a list option", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"plan","type":"list","options":["free","p\u0000ro"]}`, status: 400, want: []string{`"field":"options[1]"`}},
			{name: "NUL in a custom field value", method: "PATCH", path: "/api/v1/contacts/{{ana}}", as: "agent",
				body: `{"fields":{"note":"\u0000"}}`, status: 400, want: []string{`"field":"fields.note"`}},
			{name: "invalid UTF-8", method: "POST", path: "/api/v1/tags", as: "agent",
				body: "{\"name\":\"caf\xe9\"}", status: 400, want: []string{"not valid UTF-8"}},
		})
		c, err := f.conv.Get(t.Context(), access.System(f.ws.ID), r.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != conversation.StatusOpen {
			t.Fatalf("a refused close left the conversation %s", c.Status)
		}
		// The correctly spelt request still works.
		f.run(t, []scenario{{name: "close with a summary", method: "POST", path: "/api/v1/conversations/{{conv}}/close", as: "agent",
			body: `{"summary":"refund sent"}`, status: 200, want: []string{`"close_summary":"refund sent"`}}})
	})
}
