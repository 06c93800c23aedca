package workflow

import (
	"strings"
	"testing"
)

// TestValidateTextLimits checks that a definition's texts are bounded in
// characters and storable, each problem naming its field, and that the
// maxima themselves are accepted.
func TestValidateTextLimits(t *testing.T) {
	def := func(name, desc, stepName, text, tag string) string {
		return `{"name": "` + name + `", "description": "` + desc + `",
			"trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * *", "contacts": {"tag": "` + tag + `"}}},
			"steps": [{"id": "a", "name": "` + stepName + `", "type": "send_message", "settings": {"text": "` + text + `"}}]}`
	}
	é := func(n int) string { return strings.Repeat("é", n) }
	if got := problemsOf(t, def(é(200), é(4096), é(200), é(10_000), é(100))); len(got) != 0 {
		t.Fatalf("the maxima are refused: %v", got)
	}
	got := strings.Join(problemsOf(t, def(é(201), é(4097), é(201), é(10_001), é(101))), "\n")
	for _, want := range []string{
		"/name: is 201 characters long; at most 200",
		"/description: is 4097 characters long; at most 4096",
		"a/name: is 201 characters long",
		"a/settings.text: is 10001 characters long; at most 10000",
		"/trigger.conditions.contacts.tag: is 101 characters long; at most 100",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if got := strings.Join(problemsOf(t, def("w", `a\u0000`, "", "hi", "")), "\n"); !strings.Contains(got, "/description: must not contain NUL") {
		t.Errorf("NUL in a description: %s", got)
	}
}
