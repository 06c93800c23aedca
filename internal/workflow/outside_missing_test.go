package workflow

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The steps that call other systems render their texts before their
// transaction (HTTP Request's URL, headers and body, Classify's text):
// a variable with no value there is recorded in the step's history line,
// as every other step's is. Those were noted by the outside call's
// execution and dropped, so the line said nothing of them.
func TestOutsideStepsRecordMissingVariables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, c := range []struct {
			name, steps string
			want        []string
		}{
			{"http_request", `[{"id": "call", "type": "http_request", "settings": {"method": "POST", "url": "http://127.0.0.1:1/{{var.path}}",
				"headers": {"Authorization": "Bearer {{var.token}}"}, "body": "{\"x\": \"{{var.body}}\"}"}}]`,
				[]string{"var.path", "var.token", "var.body"}},
			{"classify", `[{"id": "c", "type": "classify", "settings": {"text": "{{var.said}}"}}]`, []string{"var.said"}},
		} {
			run, _ := f.runSteps(c.steps)
			if len(run.History) == 0 {
				t.Fatalf("%s: no history (run %s %q)", c.name, run.Status, run.Error)
			}
			line := run.History[0]
			for _, v := range c.want {
				if !strings.Contains(line.Error, v) {
					t.Errorf("%s: history line error %q does not name %s", c.name, line.Error, v)
				}
			}
		}
	})
}
