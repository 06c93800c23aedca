package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A channel cannot be pointed at the server's own network, and a
// workspace cannot open private networks to its HTTP Request steps: only
// the operator can (--allow-private-networks).
func TestNoRequestReachesInside(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		refused := []string{`"field":"config.base_url"`, "not allowed", "--allow-private-networks"}
		f.run(t, []scenario{
			{name: "a channel on loopback", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"x","config":{"base_url":"http://127.0.0.1:8080"}}`, status: 422, want: refused},
			{name: "a channel on the metadata service", method: "POST", path: "/api/v1/channels", as: "owner",
				body: `{"type":"custom","name":"x","config":{"base_url":"http://169.254.169.254/latest"}}`, status: 422, want: refused},
			{name: "a channel on mapped loopback", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"x","config":{"base_url":"http://[::ffff:127.0.0.1]/"}}`, status: 422, want: refused},
			{name: "a channel on CGNAT", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"x","config":{"base_url":"http://100.64.0.1/"}}`, status: 422, want: refused},
			{name: "a channel on another scheme", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"x","config":{"base_url":"file:///etc/passwd"}}`, status: 422,
				want: []string{`"field":"config.base_url"`}},
			{name: "moving a channel inside", method: "PATCH", path: "/api/v1/channels/{{channel}}", as: "manager",
				body: `{"config":{"base_url":"http://10.0.0.1"}}`, status: 422, want: refused},
			{name: "a channel on a public host", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"x","config":{"base_url":"https://hooks.example.com"}}`, status: 201},

			{name: "a workspace cannot open private networks", method: "PUT", path: "/api/v1/workflow-settings", as: "owner",
				body: `{"allow_private_http":true}`, status: 400,
				want: []string{`"field":"allow_private_http"`, "no longer supported", "--allow-private-networks"}},
			{name: "false is still accepted", method: "PUT", path: "/api/v1/workflow-settings", as: "owner",
				body: `{"allow_private_http":false}`, status: 200, want: []string{`"allow_private_http":false`}},
			{name: "managers may not call it", method: "PUT", path: "/api/v1/workflow-settings", as: "manager",
				body: `{"allow_private_http":false}`, status: 403},
		})
	})
}
