package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestOpenAPIClosedBodies checks that the document says what the server
// does: an API body admits only its documented members, while provider
// webhooks stay open to members they do not know.
func TestOpenAPIClosedBodies(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		status, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
		if status != 200 {
			t.Fatalf("GET /api/openapi.json: %d", status)
		}
		var doc openAPIDoc
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		reqBody := func(path, method string) string {
			op, ok := doc.Paths[path][method]
			if !ok || op.RequestBody == nil {
				t.Fatalf("%s %s has no request body in the document", method, path)
			}
			return string(*op.RequestBody)
		}
		for _, c := range []struct{ path, method string }{
			{"/api/v1/conversations/{conversationID}/close", "post"},
			{"/api/v1/contacts", "post"},
			{"/api/v1/workflows", "post"},
		} {
			if s := reqBody(c.path, c.method); !strings.Contains(s, `"additionalProperties":false`) {
				t.Errorf("%s %s: the body schema admits unknown members: %s", c.method, c.path, s)
			}
		}
		for _, c := range []struct{ path, method string }{
			{"/channels/custom/{channelID}/webhook", "post"},
			{"/workflows/{workflowID}/webhook", "post"},
		} {
			if s := reqBody(c.path, c.method); strings.Contains(s, `"additionalProperties":false`) {
				t.Errorf("%s %s: a provider webhook's body is closed: %s", c.method, c.path, s)
			}
		}
	})
}
