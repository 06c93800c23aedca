package workflow

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Problem is one thing wrong with a definition: the step it is in (empty
// for the workflow itself or its trigger), the setting at fault, and why.
type Problem = apperr.Detail

// checker collects the problems and warnings of one definition.
type checker struct {
	step     string
	problems []Problem
	warnings []string
}

func (c *checker) add(field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Step: c.step, Field: field, Message: fmt.Sprintf(format, args...)})
}

// text adds a problem when a text of the definition is not storable
// (NUL, invalid UTF-8) or longer than max characters.
func (c *checker) text(field, s string, max int) {
	if err := limit.Text(field, s, max); err != nil {
		c.add(field, "%s", apperr.MessageOf(err))
	}
}

func (c *checker) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if c.step != "" {
		msg = fmt.Sprintf("step %q: %s", c.step, msg)
	}
	c.warnings = append(c.warnings, msg)
}

var stepIDRe = regexp.MustCompile(`^[A-Za-z0-9_\-]{1,64}$`)

// TriggerNodeID is the id the builder gives the trigger's node, and files
// the workflow's own problems (no step) under: no step may have it, or it
// is drawn over the trigger and its problems land there.
const TriggerNodeID = "trigger"

// Validate checks a definition and returns its warnings (e.g. a template
// naming a variable nothing sets), or an invalid apperr.Error whose Details name every
// problem with its step id.
func Validate(d *Definition) ([]string, error) {
	c := &checker{}
	if strings.TrimSpace(d.Name) == "" {
		c.add("name", "is required")
	}
	c.text("name", d.Name, MaxNameLen)
	c.text("description", d.Description, MaxDescriptionLen)
	checkTrigger(c, d.Trigger)
	if len(d.Steps) == 0 {
		c.add("steps", "a workflow needs at least one step")
	}
	if len(d.Steps) > MaxSteps {
		c.add("steps", "%d steps; at most %d are allowed", len(d.Steps), MaxSteps)
	}
	ids := map[string]bool{}
	for _, s := range d.Steps {
		c.step = s.ID
		if !stepIDRe.MatchString(s.ID) {
			c.add("id", "a step id is 1–64 letters, digits, _ or -")
		} else if s.ID == TriggerNodeID {
			c.add("id", "%q is the trigger's own id in the builder; give this step another id", s.ID)
		} else if ids[s.ID] {
			c.add("id", "two steps have this id")
		}
		ids[s.ID] = true
		c.text("name", s.Name, MaxNameLen)
	}
	set := setVariables(d)
	for _, s := range d.Steps {
		c.step = s.ID
		checkStep(c, d, s, set)
	}
	c.step = ""
	if d.Start != "" && !ids[d.Start] {
		c.add("start", "names no step (%q)", d.Start)
	}
	if len(c.problems) == 0 {
		for _, id := range unreachable(d) {
			c.problems = append(c.problems, Problem{Step: id, Message: "unreachable: no path from the start leads here"})
		}
	}
	d.Warnings = c.warnings
	if len(c.problems) > 0 {
		return c.warnings, apperr.InvalidAll("workflow", c.problems)
	}
	return c.warnings, nil
}

func checkStep(c *checker, d *Definition, s Step, vars map[string]bool) {
	kind, ok := stepKinds[s.Type]
	if !ok {
		c.add("type", "unknown step type %q", s.Type)
		return
	}
	impl := kind()
	if err := decodeSettings(s.Settings, impl); err != nil {
		c.add("settings", "%v", err)
		return
	}
	impl.check(c)
	allowed := impl.exits()
	names := make([]string, 0, len(s.Exits))
	for name := range s.Exits {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		target := s.Exits[name]
		if !slices.Contains(allowed, name) {
			c.add("exits."+name, "a %s step has no exit %q (it has %s)", s.Type, name, strings.Join(allowed, ", "))
		}
		if target != "" && d.step(target) == nil {
			c.add("exits."+name, "points to step %q, which does not exist", target)
		}
	}
	if j, ok := impl.(*jumpTo); ok && j.Step != "" && d.step(j.Step) == nil {
		c.add("settings.step", "jumps to step %q, which does not exist", j.Step)
	}
	var settings any
	_ = json.Unmarshal(orEmpty(s.Settings), &settings)
	checkTemplates(c, settings, vars)
}

// bracesRe finds what a template's author meant as a variable: braces
// around anything but braces.
var bracesRe = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// checkTemplates warns about variables in the settings' texts that can
// never have a value, and braces that hold no variable at all (sent as
// written). They still save: a missing value renders empty.
func checkTemplates(c *checker, v any, set map[string]bool) {
	switch x := v.(type) {
	case string:
		for _, m := range bracesRe.FindAllString(x, -1) {
			if !templateVar.MatchString(m) {
				c.warn("%s is not a variable (a name is letters, digits and _, parts joined by dots): it is sent as written", limit.Clip(m, 60))
			}
		}
		for _, path := range templateVars(x) {
			ns, rest, _ := strings.Cut(path, ".")
			switch {
			case !namespaces[ns]:
				c.warn("unknown variable {{%s}}: variables start with contact, conversation, assignee, system, trigger, step or var", path)
			case ns == "var" && !setOrMember(set, rest):
				c.warn("variable {{%s}} is not set by any step of this workflow", path)
			}
		}
	case map[string]any:
		for _, e := range x {
			checkTemplates(c, e, set)
		}
	case []any:
		for _, e := range x {
			checkTemplates(c, e, set)
		}
	}
}

// setOrMember reports whether name is a set variable or a member of one
// ("customer.plan" of "customer": a variable may hold an object).
func setOrMember(set map[string]bool, name string) bool {
	for {
		if set[name] {
			return true
		}
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			return false
		}
		name = name[:i]
	}
}

// setVariables lists the named variables some step or the trigger sets.
func setVariables(d *Definition) map[string]bool {
	set := map[string]bool{}
	for _, s := range d.Steps {
		kind, ok := stepKinds[s.Type]
		if !ok {
			continue
		}
		impl := kind()
		if decodeSettings(s.Settings, impl) != nil {
			continue
		}
		if sv, ok := impl.(interface{ sets() []string }); ok {
			for _, name := range sv.sets() {
				set[name] = true
			}
		}
	}
	var sc struct {
		Inputs []struct {
			Name string `json:"name"`
		} `json:"inputs"`
	}
	if decodeSettings(d.Trigger.Conditions, &sc) == nil {
		for _, in := range sc.Inputs {
			set[in.Name] = true
		}
	}
	return set
}

// unreachable returns the steps no path from the start reaches, following
// exits and jumps.
func unreachable(d *Definition) []string {
	seen := map[string]bool{}
	stack := []string{d.first()}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		s := d.step(id)
		if s == nil || seen[id] {
			continue
		}
		seen[id] = true
		for _, t := range s.Exits {
			stack = append(stack, t)
		}
		if s.Type == "jump_to" {
			var j jumpTo
			if decodeSettings(s.Settings, &j) == nil {
				stack = append(stack, j.Step)
			}
		}
	}
	var out []string
	for _, s := range d.Steps {
		if !seen[s.ID] {
			out = append(out, s.ID)
		}
	}
	return out
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage(`{}`)
	}
	return b
}
