package workflow

import (
	"encoding/json"
	"testing"
)

// An HTTP Request's JSON body is a template: a value rendered inside a
// JSON string is escaped as JSON escapes it, so a quote, a backslash or a
// line break in a contact's answer no longer breaks the body (or changes
// its meaning); outside a string a value goes in as written (a number).
func TestRenderJSONEscapesInsideStrings(t *testing.T) {
	vars := map[string]any{"var.note": "say \"hi\"\\n\nbye\t<b>", "var.n": json.Number("42"), "var.name": "Zoë", "var.obj": map[string]any{"a": 1}}
	lookup := func(path string) (any, bool) { v, ok := vars[path]; return v, ok }
	for _, c := range []struct{ in, want string }{
		{`{"note": "{{var.note}}"}`, `{"note": "say \"hi\"\\n\nbye\t<b>"}`},
		{`{"n": {{var.n}}, "name": "{{ var.name }}"}`, `{"n": 42, "name": "Zoë"}`},
		{`{"obj": {{var.obj}}, "s": "a \"{{var.name}}\" b"}`, `{"obj": {"a":1}, "s": "a \"Zoë\" b"}`},
		{`{"esc": "\\", "after": "{{var.note}}"}`, `{"esc": "\\", "after": "say \"hi\"\\n\nbye\t<b>"}`},
		{`{"missing": "{{var.none}}"}`, `{"missing": ""}`},
	} {
		got, _ := renderJSON(c.in, lookup)
		var parsed, want any
		if err := json.Unmarshal([]byte(got), &parsed); err != nil {
			t.Errorf("%s rendered %s: not JSON: %v", c.in, got, err)
			continue
		}
		json.Unmarshal([]byte(c.want), &want)
		if a, b := mustJSON(parsed), mustJSON(want); a != b {
			t.Errorf("%s rendered %s; want %s", c.in, a, b)
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }
