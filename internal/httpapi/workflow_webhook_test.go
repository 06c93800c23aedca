package httpapi_test

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// TestWorkflowWebhookBodies checks that a workflow's incoming webhook,
// whose body is the caller's free-form data, stays open to members the
// API does not know, while the contact values it stores get the checks
// every other door applies: NUL was stored on SQLite and a 500 on
// PostgreSQL, now a 422 naming the member on both.
func TestWorkflowWebhookBodies(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		hook := `{"name": "Hook", "trigger": {"type": "incoming_webhook", "conditions": {"identify_by": "phone", "create_contact": true}},
			"steps": [{"id": "wait", "type": "wait", "settings": {"seconds": 60}}]}`
		f.run(t, []scenario{
			{name: "the webhook workflow", method: "POST", path: "/api/v1/workflows", as: "owner", body: hook, status: 201, capture: "hook"},
			{name: "publish it", method: "POST", path: "/api/v1/workflows/{{hook}}/publish", as: "owner", status: 200},
			{name: "start it", method: "POST", path: "/api/v1/workflows/{{hook}}/start", as: "owner", status: 200},
		})
		var wf workflow.Workflow
		f.get(t, "/api/v1/workflows/"+f.vars["hook"], "owner", &wf)
		secret := map[string]string{"X-Workflow-Secret": wf.WebhookSecret}
		f.run(t, []scenario{
			{name: "NUL in the contact's name", method: "POST", path: "/workflows/{{hook}}/webhook", header: secret,
				body: `{"contact": {"phone": "+14155550100", "first_name": "A\u0000da"}}`, status: 422,
				want: []string{`"field":"contact.first_name"`}},
			{name: "a name of 900,000 characters", method: "POST", path: "/workflows/{{hook}}/webhook", header: secret,
				body: `{"contact": {"phone": "+14155550100", "first_name": "` + strings.Repeat("a", 900_000) + `"}}`, status: 422,
				want: []string{`"field":"contact.first_name"`}},
			{name: "NUL in the phone", method: "POST", path: "/workflows/{{hook}}/webhook", header: secret,
				body: `{"contact": {"phone": "+1415\u0000"}}`, status: 422, want: []string{`"field":"contact.phone"`}},
			{name: "members the API does not know are the caller's data", method: "POST", path: "/workflows/{{hook}}/webhook",
				header: secret, body: `{"contact": {"phone": "+14155550100", "nickname": "Ada"}, "plan": "gold", "x": [1]}`, status: 202},
		})
	})
}
