package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// withLimits sets the server's limits.
func withLimits(l httpapi.Limits) func(*httpapi.Deps) {
	return func(d *httpapi.Deps) { d.Limits = l }
}

// withCustomWebhook serves the real custom channel webhook (the fixture
// mounts every provider's webhooks from the registry already).
func withCustomWebhook(d *httpapi.Deps) {}

// hookWorkflow creates, publishes and starts an incoming-webhook workflow
// and returns its id and secret.
func (f *fixture) hookWorkflow(t *testing.T) (id, secret string) {
	t.Helper()
	f.run(t, []scenario{
		{name: "a webhook workflow", method: "POST", path: "/api/v1/workflows", as: "owner", status: 201, capture: "hook",
			body: `{"name": "Hook", "trigger": {"type": "incoming_webhook", "conditions": {"identify_by": "phone", "create_contact": true}},
				"steps": [{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["hooked"]}}]}`},
		{name: "publish it", method: "POST", path: "/api/v1/workflows/{{hook}}/publish", as: "owner", status: 200},
		{name: "start it", method: "POST", path: "/api/v1/workflows/{{hook}}/start", as: "owner", status: 200},
	})
	var wf workflow.Workflow
	f.get(t, "/api/v1/workflows/"+f.vars["hook"], "owner", &wf)
	return f.vars["hook"], wf.WebhookSecret
}

// A request without valid credentials is refused at once, while its
// client still owes the whole body: the credentials of every kind (API
// token, role, channel token, workflow secret) are checked before the
// body is read. The body timeout is an hour here, so an answer that
// waited for the body would never come.
func TestCredentialsBeforeBody(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withLimits(httpapi.Limits{BodyTimeout: time.Hour}), withCustomWebhook)
		hook, _ := f.hookWorkflow(t)
		channelPath := "/channels/custom/" + f.vars["channel"] + "/webhook"
		tests := []struct {
			name, method, path string
			headers            []string
			status             int
			code               string
		}{
			{"respond.io URL without a token", "POST", "/custom/channel/webhook", nil, 401, "unauthorized"},
			{"respond.io URL with an unknown token", "POST", "/custom/channel/webhook", []string{"Authorization: Bearer nope"}, 401, "unauthorized"},
			{"respond.io URL, trailing slash", "POST", "/custom/channel/webhook/", []string{"Authorization: Bearer nope"}, 401, "unauthorized"},
			{"channel URL with a wrong token", "POST", channelPath, []string{"Authorization: Bearer nope"}, 401, "unauthorized"},
			{"channel URL of no channel", "POST", "/channels/custom/999999/webhook", []string{"Authorization: Bearer nope"}, 404, "not_found"},
			{"workflow webhook with a wrong secret", "POST", "/workflows/" + hook + "/webhook", []string{"X-Workflow-Secret: nope"}, 404, "not_found"},
			{"workflow webhook of no workflow", "POST", "/workflows/999999/webhook", []string{"X-Workflow-Secret: nope"}, 404, "not_found"},
			{"API without a token", "POST", "/api/v1/contacts", nil, 401, "unauthorized"},
			{"API with a wrong token", "POST", "/api/v1/contacts", []string{"Authorization: Bearer sb_nope"}, 401, "unauthorized"},
			{"API with a role that may not", "POST", "/api/v1/users", []string{"Authorization: Bearer " + f.tokens["agent"]}, 403, "forbidden"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// 100 bytes promised, 1 sent.
				resp, body := f.send(t, head(tt.method, tt.path, "100", tt.headers...)+"{").answer(t)
				if resp.StatusCode != tt.status || !strings.Contains(string(body), `"code":"`+tt.code+`"`) {
					t.Fatalf("answer %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.code)
				}
				if !resp.Close {
					t.Errorf("the connection is kept open after an answer that left the body unread")
				}
			})
		}
	})
}

// An authenticated client that sends its body too slowly is answered 408
// once the body timeout passes, on every kind of route; nothing is
// stored. Live streams, which have no body, are not cut by it.
func TestSlowBodyIsCut(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		const timeout = 100 * time.Millisecond
		f := newFixture(t, d, withLimits(httpapi.Limits{BodyTimeout: timeout}), withCustomWebhook)
		hook, secret := f.hookWorkflow(t)
		stream := f.stream(t, "", nil)
		if line := stream.next(t); line != ": connected" {
			t.Fatalf("first line %q", line)
		}
		before := f.dump(t)
		tests := []struct {
			name, path string
			headers    []string
		}{
			{"channel URL", "/channels/custom/" + f.vars["channel"] + "/webhook", []string{"Authorization: Bearer " + f.ch.Token}},
			{"respond.io URL", "/custom/channel/webhook", []string{"Authorization: Bearer " + f.ch.Token}},
			{"workflow webhook", "/workflows/" + hook + "/webhook", []string{"X-Workflow-Secret: " + secret}},
			{"API", "/api/v1/contacts", []string{"Authorization: Bearer " + f.tokens["agent"]}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := f.send(t, head("POST", tt.path, "100", tt.headers...)+`{"contactId":`).answer(t)
				var e struct{ Error struct{ Code string } }
				if resp.StatusCode != http.StatusRequestTimeout || json.Unmarshal(body, &e) != nil || e.Error.Code != "timeout" {
					t.Fatalf("answer %d %s, want 408 timeout", resp.StatusCode, body)
				}
			})
		}
		after := f.dump(t)
		for table, rows := range before {
			if after[table] != rows {
				t.Errorf("a cut request changed table %s", table)
			}
		}
		// The stream opened before the slow bodies, so it has lived past
		// the body timeout, and still carries what commits now; a prompt
		// body goes through as ever.
		f.run(t, []scenario{{name: "a prompt body", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Prompt"}`,
			status: 201}})
		if _, typ, data := stream.event(t); typ != "contact.created" || !strings.Contains(data, "Prompt") {
			t.Fatalf("streamed %s %s, want the contact created after the body timeout", typ, data)
		}
	})
}
