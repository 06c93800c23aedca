package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// problemsOf validates a definition and returns its problems as
// "step/field: message" lines.
func problemsOf(t *testing.T, def string) []string {
	t.Helper()
	d, err := ParseDefinition([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Validate(&d)
	if err == nil {
		return nil
	}
	problems := apperr.DetailsOf(err)
	if apperr.KindOf(err) != apperr.KindInvalid || len(problems) == 0 {
		t.Fatalf("not an invalid error listing its problems: %v", err)
	}
	var out []string
	for _, p := range problems {
		out = append(out, p.Step+"/"+p.Field+": "+p.Message)
	}
	return out
}

func TestValidateNamesEveryProblem(t *testing.T) {
	many := make([]string, 11)
	for i := range many {
		many[i] = `{"subject": "tag", "operator": "exists"}`
	}
	options := `["1","2","3","4","5","6","7","8","9","10","11"]`
	branches := strings.Repeat(`{"conditions": [{"subject": "tag", "operator": "exists"}]},`, 10)
	def := `{"name": "", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["robot"]}}, "steps": [
		{"id": "a", "type": "send_message", "settings": {"text": "hi"}, "exits": {"next": "nowhere", "else": "b"}},
		{"id": "b", "type": "teleport"},
		{"id": "c", "type": "ask_question", "settings": {"answer_type": "multiple_choice", "options": ` + options + `}},
		{"id": "d", "type": "branch", "settings": {"branches": [` + strings.TrimSuffix(branches, ",") + `]}},
		{"id": "e", "type": "branch", "settings": {"branches": [{"conditions": [` + strings.Join(many, ",") + `]}]}},
		{"id": "f", "type": "wait", "settings": {"seconds": 700000}},
		{"id": "g", "type": "wait", "settings": {"seconds": 5, "typo": 1}},
		{"id": "a", "type": "jump_to", "settings": {"step": "ghost"}}]}`
	got := strings.Join(problemsOf(t, def), "\n")
	for _, want := range []string{
		"/name: is required",
		"/trigger.conditions.sources: unknown source \"robot\"",
		"a/exits.next: points to step \"nowhere\", which does not exist",
		"a/exits.else: a send_message step has no exit \"else\"",
		"b/type: unknown step type \"teleport\"",
		"c/settings.question: is required",
		"c/settings.options: 11 options; at most 10 are allowed",
		"d/settings.branches: 10 branches; at most 9",
		"e/settings.branches[0].conditions: 11 conditions; at most 10",
		"f/settings.seconds: must be between 1 and 604800",
		"g/settings: json: unknown field \"typo\"",
		"a/id: two steps have this id",
		"a/settings.step: jumps to step \"ghost\"",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func TestValidateLimitsAndReachability(t *testing.T) {
	var steps []string
	for i := range 101 {
		steps = append(steps, fmt.Sprintf(`{"id": "s%d", "type": "wait", "settings": {"seconds": 1}, "exits": {"next": "s%d"}}`, i, i+1))
	}
	steps[100] = `{"id": "s100", "type": "wait", "settings": {"seconds": 1}}`
	got := problemsOf(t, `{"name": "big", "trigger": {"type": "manual"}, "steps": [`+strings.Join(steps, ",")+`]}`)
	if len(got) != 1 || !strings.Contains(got[0], "101 steps; at most 100") {
		t.Fatalf("problems %q", got)
	}
	got = problemsOf(t, `{"name": "orphan", "trigger": {"type": "manual"}, "steps": [
		{"id": "a", "type": "wait", "settings": {"seconds": 1}},
		{"id": "lost", "type": "wait", "settings": {"seconds": 1}}]}`)
	if len(got) != 1 || got[0] != "lost/: unreachable: no path from the start leads here" {
		t.Fatalf("problems %q", got)
	}
	if got := problemsOf(t, `{"name": "ok", "trigger": {"type": "manual"}, "steps": [
		{"id": "a", "type": "wait", "settings": {"seconds": 1}, "exits": {"next": "j"}},
		{"id": "j", "type": "jump_to", "settings": {"step": "a"}}]}`); got != nil {
		t.Fatalf("a valid loop has problems %q", got)
	}
}

func TestValidateWarnsAboutUnknownVariables(t *testing.T) {
	d, _ := ParseDefinition([]byte(`{"name": "w", "trigger": {"type": "manual"}, "steps": [
		{"id": "a", "type": "send_message", "settings": {"text": "{{contact.first_name}} {{var.plan}} {{weather.today}}"}}]}`))
	warnings, err := Validate(&d)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(warnings, "\n")
	if !strings.Contains(got, "{{var.plan}} is not set by any step") || !strings.Contains(got, "unknown variable {{weather.today}}") ||
		strings.Contains(got, "first_name") {
		t.Fatalf("warnings %q", warnings)
	}
}

// A variable may hold an object (an HTTP Request's response path that
// picks one, a shortcut's object input): its members are named through
// it, {{var.customer.name}}, and that is no unknown variable.
func TestValidateKnowsMembersOfASetVariable(t *testing.T) {
	d, _ := ParseDefinition([]byte(`{"name": "w", "trigger": {"type": "manual"}, "steps": [
		{"id": "call", "type": "http_request", "settings": {"method": "GET", "url": "https://example.com", "response": {"customer": "$.customer"}},
			"exits": {"success": "say"}},
		{"id": "say", "type": "send_message", "settings": {"text": "{{var.customer.name}} {{var.customer.plan.tier}} {{var.custome.name}}"}}]}`))
	warnings, err := Validate(&d)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(warnings, "\n")
	if strings.Contains(got, "var.customer.") || !strings.Contains(got, "{{var.custome.name}} is not set by any step") {
		t.Fatalf("warnings %q", warnings)
	}
}

// A time condition compares the workspace's HH:MM clock as text, so a
// time written otherwise ("9:00", "9am") compared wrongly for ever: at
// 10:30, "10:30" greater_than "9:00" was false ("1" sorts before "9").
// Saving names it (a variable is left as it renders).
func TestValidateBranchTimesAreHHMM(t *testing.T) {
	cond := func(c string) string {
		return `{"name": "t", "trigger": {"type": "manual"}, "steps": [{"id": "b", "type": "branch", "settings": {"branches": [
			{"conditions": [` + c + `]}]}}]}`
	}
	for _, c := range []struct {
		cond, want string
	}{
		{`{"subject": "time", "operator": "greater_than", "value": "9:00"}`, `b/settings.branches[0].conditions[0].value: "9:00" is not a time of day as HH:MM`},
		{`{"subject": "time", "operator": "between", "values": ["09:00", "6pm"]}`, `b/settings.branches[0].conditions[0].values: "6pm" is not a time of day as HH:MM`},
		{`{"subject": "time", "operator": "equals", "value": "24:00"}`, `b/settings.branches[0].conditions[0].value: "24:00" is not a time of day as HH:MM`},
		{`{"subject": "time", "operator": "between", "values": ["22:00", "06:00"]}`, ""},
		{`{"subject": "time", "operator": "less_than", "value": "{{var.closing}}"}`, ""},
		{`{"subject": "time", "operator": "exists"}`, ""},
		{`{"subject": "field", "name": "age", "operator": "greater_than", "value": "9:00"}`, ""},
	} {
		got := strings.Join(problemsOf(t, cond(c.cond)), "\n")
		if got != c.want {
			t.Errorf("%s: problems %q, want %q", c.cond, got, c.want)
		}
	}
}

// The variable an answer is saved to has a name a template can name, as
// an HTTP Request's, a Classify step's and a shortcut input's have: an
// answer saved to "customer name" or "order.id" could not be written back
// ({{var.customer name}} is no variable: the contact received the braces
// as typed; {{var.order.id}} looks inside a variable "order"), and saving
// warned of neither.
func TestValidateAnswerVariableNames(t *testing.T) {
	def := func(name string) string {
		return `{"name": "q", "trigger": {"type": "manual"}, "steps": [{"id": "ask", "type": "ask_question",
			"settings": {"question": "Your name?", "answer_type": "text", "save_to": {"kind": "variable", "name": "` + name + `"}}}]}`
	}
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"customer_name", true},
		{"need-2", true},
		{"customer name", false},
		{"order.id", false},
		{"café", false},
		{"", false},
	} {
		got := problemsOf(t, def(c.name))
		if c.ok != (len(got) == 0) || (!c.ok && (len(got) != 1 || !strings.HasPrefix(got[0], "ask/settings.save_to.name: "))) {
			t.Errorf("save_to variable %q: problems %q", c.name, got)
		}
	}
}

// A Date & Time range that ends before it begins holds no moment: the
// step took its failure exit at every run, and saving said nothing.
func TestValidateDateRangeHoldsATime(t *testing.T) {
	def := func(from, to string) string {
		return `{"name": "d", "trigger": {"type": "manual"}, "steps": [{"id": "d", "type": "date_time",
			"settings": {"mode": "date_range", "from": "` + from + `", "to": "` + to + `"}}]}`
	}
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{"2026-12-24", "2026-12-26", true},
		{"2026-12-24", "2026-12-24", true}, // a date "to" holds its whole day
		{"2026-12-24 18:00", "2026-12-24", true},
		{"2026-12-24 09:00", "2026-12-24 17:00", true},
		{"2026-12-26", "2026-12-24", false},
		{"2026-12-24 17:00", "2026-12-24 09:00", false},
		{"2026-12-24 09:00", "2026-12-24 09:00", false}, // a time "to" is excluded
		{"2026-12-25", "2026-12-24 23:00", false},
	} {
		got := problemsOf(t, def(c.from, c.to))
		if c.ok != (len(got) == 0) || (!c.ok && (len(got) != 1 || !strings.HasPrefix(got[0], "d/settings.to: "))) {
			t.Errorf("%s to %s: problems %q", c.from, c.to, got)
		}
	}
}

// Braces that hold no variable the templates read ("{{contact.first
// name}}", "{{ }}") are sent as written: saving warns, as it does of an
// unknown variable, instead of letting the contact receive the braces.
func TestValidateWarnsAboutBracesThatHoldNoVariable(t *testing.T) {
	d, _ := ParseDefinition([]byte(`{"name": "w", "trigger": {"type": "manual"}, "steps": [
		{"id": "a", "type": "send_message", "settings": {"text": "Hi {{contact.first name}}, {{ }} and {{contact.first_name}}"}}]}`))
	warnings, err := Validate(&d)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(warnings, "\n")
	if !strings.Contains(got, "{{contact.first name}} is not a variable") || !strings.Contains(got, "{{ }} is not a variable") ||
		strings.Contains(got, "first_name") {
		t.Fatalf("warnings %q", warnings)
	}
}

// The builder draws the trigger as a node whose id is "trigger" and
// files the workflow's own problems under it: a step with that id was
// drawn on top of the trigger node, and its problems landed on the
// trigger. Saving names the step instead.
func TestValidateStepIDTriggerIsTaken(t *testing.T) {
	def := func(id string) string {
		return `{"name": "t", "trigger": {"type": "manual"}, "start": "` + id + `", "steps": [
			{"id": "` + id + `", "type": "wait", "settings": {"seconds": 1}}]}`
	}
	for _, c := range []struct {
		id, want string
	}{
		{"trigger", `trigger/id: "trigger" is the trigger's own id in the builder; give this step another id`},
		{"Trigger", ""},
		{"trigger_2", ""},
		{"triggered", ""},
	} {
		if got := strings.Join(problemsOf(t, def(c.id)), "\n"); got != c.want {
			t.Errorf("step id %q: problems %q, want %q", c.id, got, c.want)
		}
	}
}
