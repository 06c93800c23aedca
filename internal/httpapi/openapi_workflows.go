package httpapi

import (
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workflow/testchat"
)

// The workflows' operations (docs/workflows.md), added to the document's
// table here to keep their block apart.

func init() {
	for k, v := range workflowOperations {
		operations[k] = v
	}
}

// pIfMatch is the draft revision a save or publish was based on.
var pIfMatch = param{"If-Match", "the ETag of the answer the change was based on (\"7\": draft_revision in quotes), or *; " +
	"without it the change applies to whatever the draft now is", false}

var workflowOperations = map[string]opDoc{
	// Workflows (docs/workflows.md).
	"GET /api/v1/workflows": {id: "listWorkflows", tag: "workflows", summary: "The workspace's workflows",
		query: paged, status: 200, resp: page[workflow.Workflow]{}},
	"POST /api/v1/workflows": {id: "createWorkflow", tag: "workflows", summary: "Create a workflow; its definition is the first draft",
		desc: "The body is a definition, or {\"template\": name} (GET /api/v1/workflow-templates), or {\"blank\": true}. An invalid definition is answered 422 with error.problems, each naming its step. warnings lists templates " +
			"naming variables that nothing sets (they render empty).",
		body: newWorkflow{}, status: 201, resp: workflow.Workflow{}},
	// The builder's list (workflow_admin.go).
	"POST /api/v1/workflows/import": {id: "importWorkflow", tag: "workflows", summary: "Import an exported definition as a new draft",
		desc: "The body is a definition (what GET /api/v1/workflows/{workflowID} answers as draft or published), checked as publishing " +
			"checks it: 422 lists every problem in error.problems, each with its step and field.",
		body: workflow.Definition{}, required: []string{"name", "trigger", "steps"}, status: 201, resp: workflow.Workflow{}},
	"POST /api/v1/workflows/{workflowID}/duplicate": {id: "duplicateWorkflow", tag: "workflows",
		summary: "Copy a workflow (its draft, else its published version) as a new draft named \"… (copy)\", stopped",
		status:  201, resp: workflow.Workflow{}},
	"GET /api/v1/workflows/{workflowID}/stats": {id: "workflowStats", tag: "workflows",
		summary: "How many runs took each exit of each step over the last 7 days (from the runs' history)",
		status:  200, resp: workflow.StepStats{}},
	"GET /api/v1/workflow-templates": {id: "listWorkflowTemplates", tag: "workflows",
		summary: "The shipped workflow templates; POST /api/v1/workflows with {\"template\": name} creates a draft from one",
		status:  200, resp: page[workflow.Template]{}},
	"GET /api/v1/workflows/schema": {id: "workflowSchema", tag: "workflows", summary: "The JSON Schema of a workflow definition",
		status: 200, media: "application/json"},
	"GET /api/v1/shortcuts": {id: "listShortcuts", tag: "workflows", summary: "The shortcut workflows members run from the inbox",
		desc: "Active workflows whose published version has a shortcut trigger, by name, with the form each asks for; every member may " +
			"list and run them (POST /api/v1/workflows/{workflowID}/runs with the contact). At most 200; not paged.",
		status: 200, resp: page[workflow.Shortcut]{}},
	"GET /api/v1/workflows/{workflowID}": {id: "getWorkflow", tag: "workflows", summary: "A workflow: its draft and published version",
		desc:   "The ETag is the draft's revision (draft_revision in quotes), which a save or publish sends back in If-Match.",
		status: 200, resp: workflow.Workflow{}},
	"PUT /api/v1/workflows/{workflowID}": {id: "saveWorkflowDraft", tag: "workflows",
		summary: "Replace the draft; runs keep their version until the draft is published",
		desc: "With If-Match (the ETag of the answer the change was based on), a draft saved or published by anyone since is not " +
			"overwritten: 409 draft_changed, whose message names who changed it, when, and its revision now, and nothing changes. " +
			"Without If-Match (or with *) the save overwrites whatever the draft is. Every answer's ETag is the new revision.",
		headers: []param{pIfMatch},
		body:    workflow.Definition{}, required: []string{"name", "trigger", "steps"}, status: 200, resp: workflow.Workflow{}, errors: []int{400, 409}},
	"DELETE /api/v1/workflows/{workflowID}": {id: "deleteWorkflow", tag: "workflows", summary: "Delete a workflow, its versions and runs, and the files only it named",
		desc:  "Refused with 409 while runs have not ended (the message says how many), unless force=true, which stops them first.",
		query: []param{{"force", "true stops the runs that have not ended, then deletes", false}}, status: 204, errors: []int{409}},
	"POST /api/v1/workflows/{workflowID}/publish": {id: "publishWorkflow", tag: "workflows",
		summary: "Publish the draft as a new immutable version",
		desc: "An invalid draft is refused with 422 and its problems. With If-Match (the ETag of the draft as the client saw it), " +
			"a draft changed since is not published: 409 draft_changed, as for a save. Publishing is a change of the draft too: " +
			"the answer's ETag is the new revision.",
		headers: []param{pIfMatch},
		status:  200, resp: workflow.Workflow{}, errors: []int{400, 409, 422}},
	"POST /api/v1/workflows/{workflowID}/start": {id: "startWorkflow", tag: "workflows", summary: "Let the published version start runs",
		status: 200, resp: workflow.Workflow{}, errors: []int{409}},
	"POST /api/v1/workflows/{workflowID}/stop": {id: "stopWorkflow", tag: "workflows",
		summary: "Start no new runs (runs in flight continue)", status: 200, resp: workflow.Workflow{}},
	"GET /api/v1/workflows/{workflowID}/runs": {id: "listWorkflowRuns", tag: "workflows", summary: "Runs, newest first",
		query: []param{pCursor, pLimit, {"status", "only runs with this status", false}}, status: 200, resp: page[workflow.Run]{}},
	"POST /api/v1/workflows/{workflowID}/runs": {id: "startWorkflowRun", tag: "workflows",
		summary: "Run a manual or shortcut workflow for a contact (agents: shortcuts only)", body: workflow.StartInput{}, required: []string{"contact_id"},
		status: 201, resp: workflow.Run{}, errors: []int{403, 409}},
	"GET /api/v1/workflows/{workflowID}/runs/{runID}": {id: "getWorkflowRun", tag: "workflows",
		summary: "A run with its step-by-step history", status: 200, resp: workflow.Run{}},
	"POST /api/v1/workflows/{workflowID}/runs/{runID}/stop": {id: "stopWorkflowRun", tag: "workflows", summary: "Stop a run",
		status: 200, resp: workflow.Run{}, errors: []int{409}},
	// The builder's test panel (workflow_testchat.go).
	"GET /api/v1/workflows/{workflowID}/test": {id: "getWorkflowTest", tag: "workflows",
		summary: "Your test session of the workflow: your test contact, its open conversation, its messages and the latest run",
		desc: "started is false until POST …/test (or a first message) makes your test contact. published_version is the version " +
			"tested (0: publish first); draft_differs says the draft is not what is tested. mode is chat (a conversation_opened " +
			"trigger: your first message starts the workflow) or run_now (POST …/test/run starts it). Signed-in people only (403 " +
			"for a workspace token).",
		status: 200, resp: testchat.Session{}, errors: []int{403}},
	"POST /api/v1/workflows/{workflowID}/test": {id: "startWorkflowTest", tag: "workflows",
		summary: "Make (or find) your test contact for the workflow",
		desc: "A contact flagged as a test contact (left out of contact and conversation lists, counts and workflow stats unless " +
			"test=include or test=only), named \"Test contact (your name)\", on the workspace's test channel (made on first use). " +
			"Its events start only this workflow, even while stopped, on its published version.",
		status: 200, resp: testchat.Session{}, errors: []int{403}},
	"POST /api/v1/workflows/{workflowID}/test/messages": {id: "sendWorkflowTestMessage", tag: "workflows",
		summary: "Send a message as your test contact (typed text, or a quick reply's text)",
		desc: "Stored through the channels' receive path: it opens a conversation (source contact) if none is open, answers a " +
			"question waiting for it. A resend with the same client_id is stored once. 409 when nothing is published; 422 " +
			"naming text when it is empty or longer than 4,000 characters.",
		body: testchat.MessageInput{}, required: []string{"text"}, status: 201, resp: testchat.Session{}, errors: []int{403, 409}},
	"POST /api/v1/workflows/{workflowID}/test/run": {id: "runWorkflowTest", tag: "workflows",
		summary: "Run now: start a run of the published version for your test contact, whatever the trigger",
		desc:    "The trigger's conditions are not evaluated; the run opens a conversation on the test channel if none is open. 409 when nothing is published.",
		status:  201, resp: testchat.Session{}, errors: []int{403, 409}},
	"POST /api/v1/workflows/{workflowID}/test/reset": {id: "resetWorkflowTest", tag: "workflows",
		summary: "Restart: stop your test contact's runs and close its conversation, freeing its agent",
		desc:    "The conversation closes with the summary \"Test restarted from the Workflow Builder\"; the next message opens a new one.",
		status:  200, resp: testchat.Session{}, errors: []int{403}},
	// The builder's versions panel (workflow_versions.go).
	"GET /api/v1/workflows/{workflowID}/versions": {id: "listWorkflowVersions", tag: "workflows",
		summary: "Published versions, newest first, with the runs started on each",
		desc: "Each version says when it was published, whether new runs start on it (published), how many runs started on it " +
			"and how many of those have not ended (waiting). The definition is not listed: GET …/versions/{version} answers it. " +
			"Who published a version is not recorded.",
		query: paged, status: 200, resp: page[workflow.Version]{}},
	"GET /api/v1/workflows/{workflowID}/versions/{version}": {id: "getWorkflowVersion", tag: "workflows",
		summary: "One published version with its definition and its runs counted",
		desc:    "version is a number from 1; 400 when it is not one, 404 when the workflow has no such version.",
		status:  200, resp: workflow.Version{}, errors: []int{400}},
	"PUT /api/v1/workflow-settings": {id: "updateWorkflowSettings", tag: "workflows",
		summary: "Deprecated: only allow_private_http false is accepted",
		desc: "A workspace can no longer open private or internal networks to its HTTP Request steps; the server's operator " +
			"allows ranges for every workspace with --allow-private-networks. true answers 400 naming allow_private_http.",
		body: workflowSettings{}, required: []string{"allow_private_http"}, status: 200, resp: workflowSettings{}, errors: []int{400}},
	"POST /workflows/{workflowID}/webhook": {id: "workflowWebhook", tag: "workflows",
		summary: "Start a run of an incoming-webhook workflow",
		desc: "Authenticated by the workflow's webhook_secret in X-Workflow-Secret (or ?secret=). The body's contact " +
			"object identifies the contact by id, phone or email; the whole body is the run's trigger data.",
		headers: []param{{"X-Workflow-Secret", "the workflow's webhook secret", false}},
		body:    map[string]any{}, status: 202, resp: webhookAccepted{}, errors: []int{409}},
}
