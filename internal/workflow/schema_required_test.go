package workflow

import (
	"encoding/json"
	"testing"
)

// missingRequired lists the members s (a schema as Schema builds it)
// requires that v, a decoded JSON value, lacks, walking its properties
// and items.
func missingRequired(s map[string]any, v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if req, ok := s["required"].([]string); ok {
			for _, k := range req {
				if _, ok := x[k]; !ok {
					out = append(out, path+"."+k)
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, sub := range x {
			if ps, ok := props[k].(map[string]any); ok {
				out = append(out, missingRequired(ps, sub, path+"."+k)...)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for _, e := range x {
				out = append(out, missingRequired(items, e, path+"[]")...)
			}
		}
	}
	return out
}

// The JSON Schema served at GET /api/v1/workflows/schema (and the
// builder's forms, which mark its required settings) accepts the steps
// the validator does, as the docs write them: a save_to of kind tag has
// no name, an empty (or absent) value or stage clears it, and a message
// may be files alone. The schema required every member without
// omitempty, so it refused these, and the builder flagged the empty
// value that clears a field as a missing one.
func TestSchemaRequiresWhatValidateRequires(t *testing.T) {
	steps := map[string]map[string]any{}
	for _, s := range Schema()["properties"].(map[string]any)["steps"].(map[string]any)["items"].(map[string]any)["oneOf"].([]any) {
		m := s.(map[string]any)
		steps[m["title"].(string)] = m["properties"].(map[string]any)["settings"].(map[string]any)
	}
	for _, step := range []string{
		`{"id": "q", "type": "ask_question", "settings": {"question": "Plan?", "answer_type": "text", "save_to": {"kind": "tag"}}}`,
		`{"id": "f", "type": "update_contact_field", "settings": {"field": "plan"}}`,
		`{"id": "l", "type": "update_lifecycle", "settings": {}}`,
		`{"id": "m", "type": "send_message", "settings": {"attachments": [{"type": "image", "url": "https://example.com/a.png"}]}}`,
	} {
		d, err := ParseDefinition([]byte(`{"name": "w", "trigger": {"type": "manual"}, "steps": [` + step + `]}`))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if _, err := Validate(&d); err != nil {
			t.Fatalf("%s: the validator refuses it: %v", step, err)
		}
		var settings any
		json.Unmarshal(d.Steps[0].Settings, &settings)
		if missing := missingRequired(steps[d.Steps[0].Type], settings, "settings"); len(missing) > 0 {
			t.Errorf("%s: the schema requires %v", d.Steps[0].Type, missing)
		}
	}
}
