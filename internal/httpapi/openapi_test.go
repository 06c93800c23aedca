package httpapi_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// openAPIDoc is the part of the document the test reads.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Paths   map[string]map[string]struct {
		OperationID string `json:"operationId"`
		Parameters  []struct {
			Name, In string
			Required bool
		}
		RequestBody *json.RawMessage            `json:"requestBody"`
		Responses   map[string]*json.RawMessage `json:"responses"`
		Security    []map[string][]string       `json:"security"`
	}
	Components struct {
		Schemas map[string]json.RawMessage
	}
}

var (
	muxParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)(\.\.\.)?\}`)
	docParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
	refRe    = regexp.MustCompile(`"\$ref":"#/components/schemas/([^"]+)"`)
)

// TestOpenAPIMatchesRoutes checks the served document against the route
// table in both directions, and that it is well-formed enough for tools.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		status, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
		if status != 200 {
			t.Fatalf("GET /api/openapi.json: %d %s", status, clip(body))
		}
		var doc openAPIDoc
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("the document is not valid JSON: %v", err)
		}
		if doc.OpenAPI != "3.1.0" {
			t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
		}

		inTable := map[string]bool{}
		for _, rt := range f.server.Routes() {
			path := muxParam.ReplaceAllString(strings.TrimSuffix(rt.Pattern, "{$}"), "{$1}")
			key := strings.ToLower(rt.Method) + " " + path
			inTable[key] = true
			if _, ok := doc.Paths[path][strings.ToLower(rt.Method)]; !ok {
				t.Errorf("route %s %s is not in the document", rt.Method, rt.Pattern)
			}
		}
		ids := map[string]string{}
		for path, methods := range doc.Paths {
			for method, op := range methods {
				key := method + " " + path
				if !inTable[key] {
					t.Errorf("the document has %s, which is not a route", key)
				}
				if op.OperationID == "" || ids[op.OperationID] != "" {
					t.Errorf("%s: operationId %q is empty or also used by %s", key, op.OperationID, ids[op.OperationID])
				}
				ids[op.OperationID] = key
				if len(op.Responses) == 0 {
					t.Errorf("%s documents no response", key)
				}
				var declared []string
				for _, p := range op.Parameters {
					if p.In == "path" {
						declared = append(declared, p.Name)
						if !p.Required {
							t.Errorf("%s: path parameter %s is not required", key, p.Name)
						}
					}
				}
				for _, m := range docParam.FindAllStringSubmatch(path, -1) {
					if !slices.Contains(declared, m[1]) {
						t.Errorf("%s: path parameter %s is not declared", key, m[1])
					}
				}
				if strings.HasPrefix(path, "/api/v1/") && !slices.Contains(publicAPIPaths, path) {
					if len(op.Security) == 0 || op.Responses["401"] == nil {
						t.Errorf("%s: an authenticated route without bearer security and a 401", key)
					}
				}
			}
		}

		// Every $ref resolves, and the shapes clients rely on are there.
		for _, m := range refRe.FindAllStringSubmatch(string(body), -1) {
			if _, ok := doc.Components.Schemas[m[1]]; !ok {
				t.Errorf("$ref to missing schema %s", m[1])
			}
		}
		for name, fragments := range map[string][]string{
			"ErrorBody":   {`"required":["error"]`, `"$ref":"#/components/schemas/ErrorDetail"`},
			"ErrorDetail": {`"code"`, `"message"`, `"required":["code","message"]`},
			"ContactList": {`"data"`, `"next_cursor"`, `"$ref":"#/components/schemas/Contact"`},
			"Contact":     {`"first_name"`, `"fields"`, `"additionalProperties"`},
		} {
			schema := string(doc.Components.Schemas[name])
			for _, frag := range fragments {
				if !strings.Contains(schema, frag) {
					t.Errorf("schema %s lacks %s: %s", name, frag, schema)
				}
			}
		}
		webhook := doc.Paths["/channels/custom/{channelID}/webhook"]["post"]
		if webhook.RequestBody == nil || !strings.Contains(string(*webhook.RequestBody), `"mId"`) ||
			!strings.Contains(string(*webhook.RequestBody), `"message_status"`) || webhook.Security[0]["channelToken"] == nil {
			t.Errorf("the custom channel webhook is not documented with its payload and channel token")
		}
	})
}

// publicAPIPaths are the /api/v1 routes that take no token: signing in,
// an invitation's link (its token is in the body) and a satisfaction
// survey's (its token is in the path).
var publicAPIPaths = []string{"/api/v1/auth/login", "/api/v1/auth/session", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm",
	"/api/v1/invitations/preview", "/api/v1/invitations/accept", "/api/v1/surveys/{token}"}
