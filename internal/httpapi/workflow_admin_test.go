package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The builder's list: templates, create from one or blank, duplicate,
// import with every problem listed, the list's status and counts, and a
// delete refused while runs wait unless forced.
func TestWorkflowListAdmin(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		broken := `{"name": "Broken", "trigger": {"type": "conversation_opened"}, "steps": [
			{"id": "a", "type": "send_message", "settings": {"text": "x"}, "exits": {"next": "ghost"}},
			{"id": "b", "type": "teleport"}]}`
		f.run(t, []scenario{
			{name: "agents see no templates", method: "GET", path: "/api/v1/workflow-templates", as: "agent", status: 403},
			{name: "templates", method: "GET", path: "/api/v1/workflow-templates", as: "manager", status: 200,
				want: []string{`"name":"inbound_conversation"`, `"name":"least_open_assignment"`, `"name":"away_message"`,
					`"name":"collect_email_phone"`, `"title":"Inbound conversations"`, `"trigger_type":"conversation_opened"`}},
			{name: "an unknown template", method: "POST", path: "/api/v1/workflows", as: "manager", body: `{"template": "nope"}`, status: 422,
				want: []string{`"field":"template"`}},
			{name: "a template and a definition", method: "POST", path: "/api/v1/workflows", as: "manager",
				body: `{"template": "away_message", "name": "x"}`, status: 422},
			{name: "from a template", method: "POST", path: "/api/v1/workflows", as: "manager", body: `{"template": "inbound_conversation"}`,
				status: 201, capture: "wf", want: []string{`"name":"Inbound conversations"`, `"status":"draft"`, `"trigger_type":"conversation_opened"`}},
			{name: "blank", method: "POST", path: "/api/v1/workflows", as: "manager", body: `{"blank": true}`, status: 201,
				capture: "blank", want: []string{`"name":"New workflow"`, `"status":"draft"`}},
			{name: "agents do not duplicate", method: "POST", path: "/api/v1/workflows/{{wf}}/duplicate", as: "agent", status: 403},
			{name: "a stranger's duplicate", method: "POST", path: "/api/v1/workflows/{{wf}}/duplicate", as: "stranger", status: 404},
			{name: "duplicate", method: "POST", path: "/api/v1/workflows/{{wf}}/duplicate", as: "manager", status: 201, capture: "copy",
				want: []string{`"name":"Inbound conversations (copy)"`, `"status":"draft"`, `"active":false`}},
			{name: "import a broken definition", method: "POST", path: "/api/v1/workflows/import", as: "manager", body: broken, status: 422,
				want: []string{`"problems":[`, `"step":"a","field":"exits.next"`, `"step":"b","field":"type"`}},
			{name: "import JSON that is not a definition", method: "POST", path: "/api/v1/workflows/import", as: "manager",
				body: `{"nom": "x"}`, status: 400},
			{name: "import", method: "POST", path: "/api/v1/workflows/import", as: "manager", status: 201,
				body: `{"name": "Imported", "trigger": {"type": "manual"}, "steps": [{"id": "t", "type": "add_comment", "settings": {"text": "hi"}}]}`,
				want: []string{`"name":"Imported"`, `"status":"draft"`, `"trigger_type":"manual"`}},
			{name: "publish", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager", status: 200,
				want: []string{`"status":"stopped"`, `"published_version":1`}},
			{name: "the list", method: "GET", path: "/api/v1/workflows", as: "manager", status: 200,
				want: []string{`"status":"stopped"`, `"status":"draft"`, `"stats":{"runs_24h":0,"waiting":0}`}},
		})
		ctx := context.Background()
		if err := f.d.Write(ctx, func(tx *db.Tx) error {
			for range 3 {
				if _, err := tx.Exec(ctx, `INSERT INTO workflow_runs (workspace_id, workflow_id, version, status, step, created_at, updated_at)
					VALUES (?, ?, 1, 'waiting_reply', 'ask_need', ?, ?)`, f.ws.ID, f.vars["wf"], tx.Now(), tx.Now()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		f.run(t, []scenario{
			{name: "the list counts runs", method: "GET", path: "/api/v1/workflows", as: "manager", status: 200,
				want: []string{`"stats":{"runs_24h":3,"waiting":3}`}},
			{name: "a delete refused while runs wait", method: "DELETE", path: "/api/v1/workflows/{{wf}}", as: "manager", status: 409,
				want: []string{`3 runs are waiting`}},
			{name: "a bad force", method: "DELETE", path: "/api/v1/workflows/{{wf}}?force=yes", as: "manager", status: 422},
			{name: "step stats", method: "GET", path: "/api/v1/workflows/{{wf}}/stats", as: "manager", status: 200,
				want: []string{`"since":`, `"steps":[]`}},
			{name: "agents see no stats", method: "GET", path: "/api/v1/workflows/{{wf}}/stats", as: "agent", status: 403},
			{name: "a stranger's stats", method: "GET", path: "/api/v1/workflows/{{wf}}/stats", as: "stranger", status: 404},
			{name: "forced", method: "DELETE", path: "/api/v1/workflows/{{wf}}?force=true", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/workflows/{{wf}}", as: "manager", status: 404},
			{name: "the copy goes without force", method: "DELETE", path: "/api/v1/workflows/{{copy}}", as: "manager", status: 204},
		})
	})
}
