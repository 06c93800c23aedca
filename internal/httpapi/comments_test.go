package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A comment over HTTP: read alone, rewritten by its author only, deleted
// by its author or a manager but not another agent; each refusal is a
// clear error that changes nothing.
func TestCommentEditAndDeleteAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550199", "Ada", "c-1")
		f.vars["conversationID"] = itoa(r.ConversationID)
		const path = "/api/v1/conversations/{{conversationID}}/comments/"
		f.run(t, []scenario{
			{name: "the agent comments", method: "POST", path: "/api/v1/conversations/{{conversationID}}/comments", as: "agent",
				body: `{"text":"card charged twice"}`, status: 201, capture: "comment"},
			{name: "read alone", method: "GET", path: path + "{{comment}}", as: "manager", status: 200,
				want: []string{`"text":"card charged twice"`}, notWant: []string{`"edited_at"`}},
			{name: "not an id", method: "GET", path: path + "x", as: "manager", status: 404},
			{name: "none of that id", method: "GET", path: path + "999999", as: "manager", status: 404},
			{name: "another workspace", method: "GET", path: path + "{{comment}}", as: "stranger", status: 404},
			{name: "the manager may not rewrite it", method: "PATCH", path: path + "{{comment}}", as: "manager",
				body: `{"text":"mine now"}`, status: 403, want: []string{`"code":"forbidden"`}},
			{name: "nor a workspace token", method: "PATCH", path: path + "{{comment}}", as: "integration", body: `{"text":"x"}`, status: 403},
			{name: "an empty text", method: "PATCH", path: path + "{{comment}}", as: "agent", body: `{"text":" "}`, status: 422},
			{name: "an unknown member", method: "PATCH", path: path + "{{comment}}", as: "agent", body: `{"txt":"x"}`, status: 400},
			{name: "its author rewrites it", method: "PATCH", path: path + "{{comment}}", as: "agent",
				body: `{"text":"card charged twice, refunded @manager@acme.test"}`, status: 200,
				want: []string{`"text":"card charged twice, refunded @manager@acme.test"`, `"edited_at":"`, `"mentions":[{{manager}}]`}},
			{name: "the owner comments", method: "POST", path: "/api/v1/conversations/{{conversationID}}/comments", as: "owner",
				body: `{"text":"VIP"}`, status: 201, capture: "owners"},
			{name: "the agent may not delete the owner's", method: "DELETE", path: path + "{{owners}}", as: "agent", status: 403},
			{name: "the manager may", method: "DELETE", path: path + "{{owners}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: path + "{{owners}}", as: "manager", status: 404},
			{name: "its author deletes theirs", method: "DELETE", path: path + "{{comment}}", as: "agent", status: 204},
			{name: "none left", method: "GET", path: "/api/v1/conversations/{{conversationID}}/comments", as: "agent", status: 200,
				want: []string{`"data":[]`}},
		})
	})
}
