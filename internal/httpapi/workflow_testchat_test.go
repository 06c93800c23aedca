package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestWorkflowTestPanelRoutes: the test panel's routes are the managers';
// bad input is refused naming the field and changes nothing; a message
// opens a test conversation that the lists leave out unless asked.
func TestWorkflowTestPanelRoutes(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "a workflow", method: "POST", path: "/api/v1/workflows", as: "manager", status: 201, capture: "wf",
				body: `{"name": "Hello", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["contact"]}},
					"steps": [{"id": "hello", "type": "send_message", "settings": {"text": "Hello"}}]}`},
			{name: "agents may not test", method: "GET", path: "/api/v1/workflows/{{wf}}/test", as: "agent", status: 403},
			{name: "a workspace token has no test contact", method: "POST", path: "/api/v1/workflows/{{wf}}/test", as: "integration", status: 403},
			{name: "an unknown workflow", method: "POST", path: "/api/v1/workflows/999999/test", as: "manager", status: 404},
			{name: "not started yet", method: "GET", path: "/api/v1/workflows/{{wf}}/test", as: "manager", status: 200,
				want: []string{`"started":false`, `"published_version":0`, `"mode":"chat"`}},
			{name: "nothing published", method: "POST", path: "/api/v1/workflows/{{wf}}/test/messages", as: "manager", status: 409,
				body: `{"text": "hi"}`},
			{name: "publish", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager", status: 200},
			{name: "start the session", method: "POST", path: "/api/v1/workflows/{{wf}}/test", as: "manager", status: 200,
				want: []string{`"started":true`, `"contact_name":"Test contact (`, `"published_version":1`}},
			{name: "an empty message", method: "POST", path: "/api/v1/workflows/{{wf}}/test/messages", as: "manager", status: 422,
				body: `{"text": "  "}`, want: []string{`"field":"text"`}},
			{name: "an unknown member", method: "POST", path: "/api/v1/workflows/{{wf}}/test/messages", as: "manager", status: 400,
				body: `{"text": "hi", "sender": "x"}`},
			{name: "a message", method: "POST", path: "/api/v1/workflows/{{wf}}/test/messages", as: "manager", status: 201,
				body: `{"text": "hi", "client_id": "c1"}`, want: []string{`"conversation":{"id":`, `"text":"hi"`}},
			{name: "the conversations list leaves it out", method: "GET", path: "/api/v1/conversations", as: "manager", status: 200,
				notWant: []string{`"opened_source":"contact"`}},
			{name: "test=only lists it", method: "GET", path: "/api/v1/conversations?test=only", as: "manager", status: 200,
				want: []string{`"opened_source":"contact"`}},
			{name: "a bad test filter", method: "GET", path: "/api/v1/conversations?test=yes", as: "manager", status: 400},
			{name: "the contacts list leaves it out", method: "GET", path: "/api/v1/contacts", as: "manager", status: 200,
				notWant: []string{`Test contact`}},
			{name: "test=include lists it", method: "GET", path: "/api/v1/contacts?test=include", as: "manager", status: 200,
				want: []string{`Test contact`}},
			{name: "restart", method: "POST", path: "/api/v1/workflows/{{wf}}/test/reset", as: "manager", status: 200,
				notWant: []string{`"conversation":`}},
		})
	})
}
