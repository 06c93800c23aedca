package workflow_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// webSchemaFixture is the copy of the workflow JSON Schema the web app's
// step drawer test walks (every trigger and step type must get a form
// control for every property).
var webSchemaFixture = filepath.Join("..", "..", "web", "src", "features", "builder", "drawer", "schema.fixture.json")

// TestWebSchemaFixtureIsCurrent fails when the drawer's committed copy of
// the schema differs from workflow.Schema(), so the forms' test cannot pass
// against a stale schema. SWITCHBOARD_UPDATE_SCHEMA=1 rewrites the copy.
func TestWebSchemaFixtureIsCurrent(t *testing.T) {
	body, err := json.Marshal(workflow.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	if os.Getenv("SWITCHBOARD_UPDATE_SCHEMA") != "" {
		if err := os.WriteFile(webSchemaFixture, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(webSchemaFixture)
	if err != nil {
		t.Fatalf("%v (SWITCHBOARD_UPDATE_SCHEMA=1 go test ./internal/workflow -run TestWebSchemaFixtureIsCurrent writes it)", err)
	}
	if !bytes.Equal(have, pretty.Bytes()) {
		t.Fatalf("%s is stale against workflow.Schema(): run SWITCHBOARD_UPDATE_SCHEMA=1 go test ./internal/workflow -run TestWebSchemaFixtureIsCurrent", webSchemaFixture)
	}
}
