package httpapi_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// webOpenAPI is the copy of the API's document the web app generates its
// TypeScript types from (web/src/lib/api-types.ts, by openapi-typescript,
// which make runs when this file changes; the types are not committed).
var webOpenAPI = filepath.Join("..", "..", "web", "src", "lib", "openapi.json")

// TestWebAppOpenAPIIsCurrent fails when the served OpenAPI document and the
// web app's copy differ, so a change to the API cannot leave the app's
// types behind. SWITCHBOARD_UPDATE_OPENAPI=1 rewrites the copy; make (or
// `npm run api-types` in web/) then regenerates the types.
func TestWebAppOpenAPIIsCurrent(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	status, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
	if status != 200 {
		t.Fatalf("GET /api/openapi.json: %d", status)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	if os.Getenv("SWITCHBOARD_UPDATE_OPENAPI") != "" {
		if err := os.WriteFile(webOpenAPI, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(webOpenAPI)
	if err != nil {
		t.Fatalf("%v (SWITCHBOARD_UPDATE_OPENAPI=1 go test ./internal/httpapi -run TestWebAppOpenAPIIsCurrent writes it)", err)
	}
	if !bytes.Equal(have, pretty.Bytes()) {
		t.Fatalf("%s is stale against the served document: run SWITCHBOARD_UPDATE_OPENAPI=1 go test ./internal/httpapi -run TestWebAppOpenAPIIsCurrent (make regenerates the web app's types from it)", webOpenAPI)
	}
}
