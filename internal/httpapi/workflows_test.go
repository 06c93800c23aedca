package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// withWorkflows runs a workflow engine on the fixture's store; the
// returned group tells when it has done all it can.
func withWorkflows(t *testing.T, f *fixture) *background.Group {
	t.Helper()
	g := background.NewGroup(f.d.Clock())
	eng := workflow.NewEngine(workflow.NewService(f.d), f.hub, nil, f.wsSvc, workflow.EngineOptions{Group: g})
	backgroundtest.Run(t, g, eng.Run)
	return g
}

func TestWorkflowsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		engines := withWorkflows(t, f)
		good := `{"name": "Welcome", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["contact"]}},
			"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "Hi {{contact.first_name}} {{var.nope}}"}}]}`
		bad := `{"name": "Broken", "trigger": {"type": "conversation_opened"}, "steps": [
			{"id": "a", "type": "send_message", "settings": {"text": "x"}, "exits": {"next": "ghost"}},
			{"id": "b", "type": "teleport"},
			{"id": "c", "type": "ask_question", "settings": {"answer_type": "multiple_choice"}}]}`
		hook := `{"name": "Hook", "trigger": {"type": "incoming_webhook", "conditions": {"identify_by": "phone", "create_contact": true}},
			"steps": [{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["{{trigger.plan}}"]}}]}`
		f.run(t, []scenario{
			{name: "agents do not build workflows", method: "POST", path: "/api/v1/workflows", as: "agent", body: good, status: 403},
			{name: "every problem with its step", method: "POST", path: "/api/v1/workflows", as: "manager", body: bad, status: 422,
				want: []string{`"problems":[`, `"step":"a","field":"exits.next","message":"points to step \"ghost\"`,
					`"step":"b","field":"type","message":"unknown step type \"teleport\""`, `"step":"c","field":"settings.question"`,
					`"step":"c","field":"settings.options"`}},
			{name: "create", method: "POST", path: "/api/v1/workflows", as: "manager", body: good, status: 201, capture: "wf",
				want: []string{`"published_version":0`, `"active":false`, `"warnings":["step \"hi\": variable {{var.nope}} is not set`}},
			{name: "cannot start a draft", method: "POST", path: "/api/v1/workflows/{{wf}}/start", as: "manager", status: 409},
			{name: "publish", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager", status: 200,
				want: []string{`"published_version":1`, `"published":{"name":"Welcome"`}, notWant: []string{`"draft"`}},
			{name: "nothing to publish", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager", status: 409},
			{name: "start", method: "POST", path: "/api/v1/workflows/{{wf}}/start", as: "manager", status: 200, want: []string{`"active":true`}},
			{name: "an invalid draft is refused", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager", body: bad, status: 422},
			{name: "schema", method: "GET", path: "/api/v1/workflows/schema", as: "agent", status: 200,
				want: []string{`"$schema":"https://json-schema.org/draft/2020-12/schema"`, `"const":"ask_question"`, `"const":"incoming_webhook"`}},
			{name: "a stranger sees nothing", method: "GET", path: "/api/v1/workflows/{{wf}}", as: "stranger", status: 404},
			{name: "the webhook workflow", method: "POST", path: "/api/v1/workflows", as: "owner", body: hook, status: 201, capture: "hook"},
			{name: "publish it", method: "POST", path: "/api/v1/workflows/{{hook}}/publish", as: "owner", status: 200},
			{name: "start it", method: "POST", path: "/api/v1/workflows/{{hook}}/start", as: "owner", status: 200},
			{name: "a wrong secret", method: "POST", path: "/workflows/{{hook}}/webhook", header: map[string]string{"X-Workflow-Secret": "nope"},
				body: `{"contact": {"phone": "+14155550100"}}`, status: 404},
		})
		var wf workflow.Workflow
		f.get(t, "/api/v1/workflows/"+f.vars["hook"], "owner", &wf)
		f.run(t, []scenario{
			{name: "the webhook starts a run", method: "POST", path: "/workflows/{{hook}}/webhook",
				header: map[string]string{"X-Workflow-Secret": wf.WebhookSecret},
				body:   `{"contact": {"phone": "+14155550100", "first_name": "Hook"}, "plan": "gold"}`, status: 202, want: []string{`"run_id":`}},
		})
		var runs struct{ Data []workflow.Run }
		backgroundtest.WaitIdle(t, engines)
		f.get(t, "/api/v1/workflows/"+f.vars["hook"]+"/runs", "manager", &runs)
		// The list names each run's contact, so the runs panel needs no request per row.
		if len(runs.Data) != 1 || runs.Data[0].Status != workflow.StatusFinished || runs.Data[0].ContactName != "Hook" {
			t.Fatalf("runs %+v", runs.Data)
		}
		var run workflow.Run
		f.get(t, "/api/v1/workflows/"+f.vars["hook"]+"/runs/"+itoa(runs.Data[0].ID), "manager", &run)
		if len(run.History) != 1 || run.History[0].Step != "tag" || !strings.Contains(run.History[0].Outcome, "gold") {
			b, _ := json.Marshal(run)
			t.Fatalf("run %s", b)
		}
		var c contact.Contact
		f.get(t, "/api/v1/contacts/"+itoa(run.ContactID), "agent", &c)
		if c.FirstName != "Hook" || len(c.Tags) != 1 || c.Tags[0] != "gold" {
			t.Fatalf("contact %+v", c)
		}
	})
}

// Agents run shortcut workflows (from the inbox); manual workflows are
// started by managers and owners.
func TestAgentsRunShortcutsOnly(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		withWorkflows(t, f)
		manual := `{"name": "Manual", "trigger": {"type": "manual"},
			"steps": [{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["m"]}}]}`
		shortcut := `{"name": "Shortcut", "trigger": {"type": "shortcut"},
			"steps": [{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["s"]}}]}`
		f.run(t, []scenario{
			{name: "a contact", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name": "Ada"}`, status: 201, capture: "ada"},
			{name: "a manual workflow", method: "POST", path: "/api/v1/workflows", as: "manager", body: manual, status: 201, capture: "manual"},
			{name: "publish it", method: "POST", path: "/api/v1/workflows/{{manual}}/publish", as: "manager", status: 200},
			{name: "start it", method: "POST", path: "/api/v1/workflows/{{manual}}/start", as: "manager", status: 200},
			{name: "a shortcut", method: "POST", path: "/api/v1/workflows", as: "manager", body: shortcut, status: 201, capture: "shortcut"},
			{name: "publish the shortcut", method: "POST", path: "/api/v1/workflows/{{shortcut}}/publish", as: "manager", status: 200},
			{name: "start the shortcut", method: "POST", path: "/api/v1/workflows/{{shortcut}}/start", as: "manager", status: 200},
			{name: "an agent may not run a manual workflow", method: "POST", path: "/api/v1/workflows/{{manual}}/runs", as: "agent",
				body: `{"contact_id": {{ada}}}`, status: 403, want: []string{`shortcut workflows only`}},
			{name: "an agent runs a shortcut", method: "POST", path: "/api/v1/workflows/{{shortcut}}/runs", as: "agent",
				body: `{"contact_id": {{ada}}}`, status: 201},
			{name: "a manager runs a manual workflow", method: "POST", path: "/api/v1/workflows/{{manual}}/runs", as: "manager",
				body: `{"contact_id": {{ada}}}`, status: 201},
		})
	})
}
