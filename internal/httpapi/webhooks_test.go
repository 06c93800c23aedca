package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

func TestWebhooks(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Switchboard-Signature") == "" {
				w.WriteHeader(400)
				return
			}
			w.Write([]byte(`{"received":true}`))
		}))
		defer recv.Close()
		f := newFixture(t, d, func(deps *httpapi.Deps) {
			deps.OutgoingWebhooks = webhook.New(d, webhook.Options{Guard: netguard.New(netguard.Options{
				Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})})
		})
		f.vars["recv"] = recv.URL
		f.run(t, []scenario{
			{name: "no token", method: "GET", path: "/api/v1/webhooks", status: 401},
			{name: "an agent may not list", method: "GET", path: "/api/v1/webhooks", as: "agent", status: 403},
			{name: "an agent may not create", method: "POST", path: "/api/v1/webhooks", as: "agent",
				body: `{"url":"{{recv}}/hook","event_types":["message.received"]}`, status: 403},
			{name: "the event types", method: "GET", path: "/api/v1/webhooks/event-types", as: "manager", status: 200,
				want: []string{`"conversation.opened"`, `"workflow.run.failed"`}},
			{name: "a private address not allowed", method: "POST", path: "/api/v1/webhooks", as: "manager",
				body: `{"url":"http://10.0.0.7/hook","event_types":["message.received"]}`, status: 422,
				want: []string{`"field":"url"`, "--allow-private-networks"}},
			{name: "an unknown event type", method: "POST", path: "/api/v1/webhooks", as: "manager",
				body: `{"url":"https://example.com/hook","event_types":["user.presence.updated"]}`, status: 422,
				want: []string{`"field":"event_types"`}},
			{name: "no event type", method: "POST", path: "/api/v1/webhooks", as: "manager",
				body: `{"url":"https://example.com/hook","event_types":[]}`, status: 422, want: []string{`"field":"event_types"`}},
			{name: "not http", method: "POST", path: "/api/v1/webhooks", as: "manager",
				body: `{"url":"ftp://example.com/hook","event_types":["message.received"]}`, status: 422, want: []string{`"field":"url"`}},
			{name: "a manager creates one on an allowed address", method: "POST", path: "/api/v1/webhooks", as: "manager",
				body: `{"url":"{{recv}}/hook","description":"CRM","event_types":["message.received","conversation.opened"]}`, status: 201,
				capture: "hook", want: []string{`"secret":"whsec_`, `"enabled":true`, `"event_types":["conversation.opened","message.received"]`}},
			{name: "the list hides the secret", method: "GET", path: "/api/v1/webhooks", as: "owner", status: 200,
				want: []string{`"description":"CRM"`}, notWant: []string{`"secret"`}},
			{name: "another workspace does not see it", method: "GET", path: "/api/v1/webhooks/{{hook}}", as: "stranger", status: 404},
			{name: "the workspace integration token may", method: "GET", path: "/api/v1/webhooks", as: "integration", status: 200},
			{name: "test delivery", method: "POST", path: "/api/v1/webhooks/{{hook}}/test", as: "manager", status: 200,
				capture: "delivery", want: []string{`"state":"delivered"`, `"status_code":200`, `"response_excerpt":"{\"received\":true}"`, `"event_type":"webhook.test"`}},
			{name: "the log", method: "GET", path: "/api/v1/webhooks/{{hook}}/deliveries", as: "manager", status: 200,
				want: []string{`"event_type":"webhook.test"`, `"attempts":1`}},
			{name: "a bad state filter", method: "GET", path: "/api/v1/webhooks/{{hook}}/deliveries?state=lost", as: "manager", status: 400},
			{name: "resend", method: "POST", path: "/api/v1/webhooks/{{hook}}/deliveries/{{delivery}}/resend", as: "manager", status: 200,
				want: []string{`"state":"pending"`}},
			{name: "resend from another workspace", method: "POST", path: "/api/v1/webhooks/{{hook}}/deliveries/{{delivery}}/resend", as: "stranger", status: 404},
			{name: "rotate", method: "POST", path: "/api/v1/webhooks/{{hook}}/rotate-secret", as: "owner", status: 200,
				want: []string{`"secret":"whsec_`}},
			{name: "disable", method: "PATCH", path: "/api/v1/webhooks/{{hook}}", as: "manager", body: `{"enabled":false}`, status: 200,
				want: []string{`"enabled":false`, `"description":"CRM"`}},
			{name: "an agent may not delete", method: "DELETE", path: "/api/v1/webhooks/{{hook}}", as: "agent", status: 403},
			{name: "delete", method: "DELETE", path: "/api/v1/webhooks/{{hook}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/webhooks/{{hook}}", as: "manager", status: 404},
		})
	})
}
