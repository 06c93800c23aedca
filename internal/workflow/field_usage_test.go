package workflow

import (
	"regexp"
	"testing"
)

func TestUsesField(t *testing.T) {
	tmpl := regexp.MustCompile(`\bcontact\.(fields\.)?plan\b`)
	for _, tc := range []struct {
		name, def string
		want      bool
	}{
		{"a template of the custom field", `{"steps":[{"settings":{"text":"You are on {{contact.fields.plan}}"}}]}`, true},
		{"a template of the key alone", `{"steps":[{"settings":{"text":"{{ contact.plan }}"}}]}`, true},
		{"update contact field", `{"steps":[{"type":"update_contact_field","settings":{"field":"plan","value":"pro"}}]}`, true},
		{"the field-updated trigger", `{"trigger":{"type":"contact_field_updated","conditions":{"field":"plan"}},"steps":[]}`, true},
		{"classify saving the intent to it", `{"steps":[{"type":"classify","settings":{"save_to":"topic","contact_field":"plan"}}]}`, true},
		{"classify saving to another field", `{"steps":[{"type":"classify","settings":{"save_to":"plan","contact_field":"plan_b"}}]}`, false},
		{"ask a question saving to it", `{"steps":[{"settings":{"save_to":{"kind":"field","name":"plan"}}}]}`, true},
		{"a branch on it", `{"steps":[{"settings":{"branches":[{"conditions":[{"subject":"field","name":"plan","operator":"is","value":"pro"}]}]}}]}`, true},
		{"another field with the same start", `{"steps":[{"settings":{"text":"{{contact.fields.plan_b}}","field":"plan_b"}}]}`, false},
		{"a variable of that name", `{"steps":[{"settings":{"save_to":{"kind":"variable","name":"plan"},"text":"{{var.plan}}"}}]}`, false},
		{"the word outside a template", `{"steps":[{"settings":{"text":"see contact.plan"}}]}`, false},
		{"not JSON", `{`, false},
	} {
		if got := usesField(tc.def, "plan", tmpl); got != tc.want {
			t.Errorf("%s: usesField = %v, want %v", tc.name, got, tc.want)
		}
	}
}
