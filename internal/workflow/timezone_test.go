package workflow

import (
	"strings"
	"testing"
)

// A workflow's time zone is an IANA name. "Local" would be the zone of
// whichever node runs the step, so the same workflow would fire or branch
// at different hours on different machines.
func TestWorkflowTimeZoneIsAnIANAName(t *testing.T) {
	for _, c := range []struct {
		name, def, want string
	}{
		{"a schedule", `{"name": "w", "trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * *", "timezone": "Local"}},
			"steps": [{"id": "a", "type": "wait", "settings": {"seconds": 60}}]}`, "/trigger.conditions.timezone: "},
		{"a date and time step", `{"name": "w", "trigger": {"type": "manual"}, "steps": [{"id": "a", "type": "date_time",
			"settings": {"mode": "date_range", "timezone": "Local", "from": "2000-01-01", "to": "2099-12-31"}}]}`, "a/settings.timezone: "},
	} {
		if got := strings.Join(problemsOf(t, c.def), "\n"); !strings.Contains(got, c.want) {
			t.Errorf("%s in Local: problems %q, want %q", c.name, got, c.want)
		}
		ok := strings.ReplaceAll(c.def, `"Local"`, `"Europe/Paris"`)
		if got := problemsOf(t, ok); len(got) != 0 {
			t.Errorf("%s in Europe/Paris: %q", c.name, got)
		}
	}
}
