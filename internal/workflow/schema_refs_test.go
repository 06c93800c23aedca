package workflow

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// settingsSchema is the schema of a step type's settings in Schema().
func settingsSchema(t *testing.T, step string) map[string]any {
	t.Helper()
	for _, s := range Schema()["properties"].(map[string]any)["steps"].(map[string]any)["items"].(map[string]any)["oneOf"].([]any) {
		m := s.(map[string]any)
		if m["title"] == step {
			return m["properties"].(map[string]any)["settings"].(map[string]any)
		}
	}
	t.Fatalf("no step %q in the schema", step)
	return nil
}

// The builder's step drawer gives a property a picker from what the schema
// says about it, so the schema names what a setting refers to (x-ref: a
// user, a team, a workflow, a step of the definition, a channel), the days
// a business-hours map may be keyed by, the dates a holiday is, and the
// times of day an opening period runs between (its end after its start).
// Before, these were bare integers and strings, and the drawer showed text
// fields where a user had to know a user's id, a weekday's spelling or
// the HH:MM form of a time.
func TestSchemaAnnotatesReferencesDaysDatesAndTimes(t *testing.T) {
	tests := []struct {
		step, path string
		key        string
		want       any
	}{
		{"assign_to", "user_id", "x-ref", "user"},
		{"assign_to", "team_id", "x-ref", "team"},
		{"trigger_workflow", "workflow_id", "x-ref", "workflow"},
		{"jump_to", "step", "x-ref", "step"},
		{"send_message", "channel_id", "x-ref", "channel"},
		{"open_conversation", "channel_id", "x-ref", "channel"},
		{"date_time", "hours", "propertyNames", map[string]any{"enum": []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}}},
		{"date_time", "holidays.items", "format", "date"},
		{"date_time", "hours.additionalProperties.items.properties.from", "format", "time"},
		{"date_time", "hours.additionalProperties.items.properties.to", "format", "time"},
		{"date_time", "hours.additionalProperties.items.properties.to", "x-after", "from"},
		{"date_time", "hours.additionalProperties.items.properties.from", "x-after", nil},
		{"assign_to", "team", "x-ref", nil}, // a team by name: a template may compute it
	}
	for _, tt := range tests {
		t.Run(tt.step+"."+tt.path, func(t *testing.T) {
			var node any = settingsSchema(t, tt.step)["properties"]
			for _, part := range strings.Split(tt.path, ".") {
				m, _ := node.(map[string]any)
				node = m[part]
			}
			got := node.(map[string]any)[tt.key]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s %s: %s is %#v, want %#v", tt.step, tt.path, tt.key, got, tt.want)
			}
		})
	}
}

// The days the schema offers are the days the validator accepts.
func TestSchemaWeekdaysAreTheValidatorsDays(t *testing.T) {
	days := settingsSchema(t, "date_time")["properties"].(map[string]any)["hours"].(map[string]any)["propertyNames"].(map[string]any)["enum"].([]string)
	got, want := slices.Sorted(slices.Values(days)), slices.Sorted(slices.Values(weekdays))
	if !slices.Equal(got, want) {
		t.Errorf("the schema's days %v, the validator's %v", got, want)
	}
}
