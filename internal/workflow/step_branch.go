package workflow

import (
	"fmt"
	"slices"
	"strings"
)

func init() { register("branch", func() stepImpl { return &branch{} }) }

// branch takes the first of up to 9 branches whose conditions hold (all
// of them for match "all", any for "any"), else its else exit. Exits are
// named branch[0], branch[1], … and else.
type branch struct {
	Branches []branchCase `json:"branches"`
}

// branchCase is one branch: up to 10 conditions joined by AND or OR.
type branchCase struct {
	Name       string      `json:"name,omitempty"`
	Match      string      `json:"match,omitempty"` // all (AND, default) or any (OR)
	Conditions []condition `json:"conditions"`
}

// condition compares a subject's value with an operand.
type condition struct {
	// Subject is field (a contact field, by name), tag, lifecycle,
	// variable (any template path in name: var.x, step.id.answer,
	// trigger.source), channel (the conversation's channel id),
	// last_incoming_message (minutes since the contact last wrote),
	// assignee_status (unassigned, online, busy, offline) or time (HH:MM in the
	// workspace's time zone).
	Subject  string   `json:"subject"`
	Name     string   `json:"name,omitempty"`
	Operator string   `json:"operator"`
	Value    string   `json:"value,omitempty"`
	Values   []string `json:"values,omitempty"` // has_*_of; between takes [low, high]
}

var subjects = []string{"field", "tag", "lifecycle", "variable", "channel", "last_incoming_message", "assignee_status", "time"}

func (s *branch) check(c *checker) {
	if len(s.Branches) == 0 {
		c.add("settings.branches", "at least one branch is required")
	}
	if len(s.Branches) > MaxBranches {
		c.add("settings.branches", "%d branches; at most %d (plus else) are allowed", len(s.Branches), MaxBranches)
	}
	for i, b := range s.Branches {
		f := fmt.Sprintf("settings.branches[%d]", i)
		if b.Match != "" && b.Match != "all" && b.Match != "any" {
			c.add(f+".match", "must be all (AND) or any (OR)")
		}
		if len(b.Conditions) == 0 {
			c.add(f+".conditions", "at least one condition is required")
		}
		if len(b.Conditions) > MaxConditions {
			c.add(f+".conditions", "%d conditions; at most %d are allowed", len(b.Conditions), MaxConditions)
		}
		for j, cond := range b.Conditions {
			cond.check(c, fmt.Sprintf("%s.conditions[%d]", f, j))
		}
	}
}

func (cond condition) check(c *checker, f string) {
	if !slices.Contains(subjects, cond.Subject) {
		c.add(f+".subject", "must be one of %s", strings.Join(subjects, ", "))
	}
	if (cond.Subject == "field" || cond.Subject == "variable") && cond.Name == "" {
		c.add(f+".name", "names the %s to compare", cond.Subject)
	}
	arity, ok := operators[cond.Operator]
	switch {
	case !ok:
		c.add(f+".operator", "unknown operator %q", cond.Operator)
	case arity == opList && len(cond.Values) == 0:
		c.add(f+".values", "%s needs values", cond.Operator)
	case arity == opRange && len(cond.Values) != 2:
		c.add(f+".values", "between needs [low, high]")
	}
	if cond.Subject == "time" && ok && arity != opNone {
		// The clock is compared as HH:MM text: "9:00" would sort after
		// "10:30" and the condition be wrong at every hour, silently.
		field, operands := f+".value", []string{cond.Value}
		if arity != opValue {
			field, operands = f+".values", cond.Values
		}
		for _, v := range operands {
			if !isClock(v) && !strings.Contains(v, "{{") {
				c.add(field, "%q is not a time of day as HH:MM", v)
			}
		}
	}
}

func (s *branch) exits() []string {
	out := make([]string, 0, len(s.Branches)+1)
	for i := range s.Branches {
		out = append(out, fmt.Sprintf("branch[%d]", i))
	}
	return append(out, "else")
}

func (s *branch) exec(x *execution) (result, error) {
	for i, b := range s.Branches {
		if b.holds(x) {
			name := b.Name
			if name == "" {
				name = fmt.Sprintf("branch %d", i+1)
			}
			return result{exit: fmt.Sprintf("branch[%d]", i), outcome: "matched " + name}, nil
		}
	}
	return result{exit: "else", outcome: "no branch matched"}, nil
}

func (b branchCase) holds(x *execution) bool {
	for _, cond := range b.Conditions {
		ok := cond.holds(x)
		if b.Match == "any" && ok {
			return true
		}
		if b.Match != "any" && !ok {
			return false
		}
	}
	return b.Match != "any"
}

// subject reads the value a condition compares.
func (cond condition) subject(x *execution) any {
	switch cond.Subject {
	case "field":
		v, _ := x.vars.lookup("contact." + cond.Name)
		return v
	case "tag":
		if c := x.vars.loadContact(); c != nil {
			return c.Tags
		}
	case "lifecycle":
		if c := x.vars.loadContact(); c != nil {
			return c.LifecycleStage
		}
	case "variable":
		path := cond.Name
		if ns, _, _ := strings.Cut(path, "."); !namespaces[ns] {
			path = "var." + path
		}
		v, _ := x.vars.lookup(path)
		return v
	case "channel":
		if c := x.vars.loadConversation(); c != nil {
			return c.ChannelID
		}
	case "last_incoming_message":
		if c := x.vars.loadContact(); c != nil && !c.LastIncomingAt.IsZero() {
			return x.now.Sub(c.LastIncomingAt).Minutes()
		}
	case "assignee_status":
		c := x.vars.loadConversation()
		if c == nil || c.AssigneeID == 0 {
			return "unassigned"
		}
		// Whether the assignee is there now: an agent who chose online
		// but whose devices went quiet is offline.
		v, _ := x.vars.lookup("assignee.availability")
		return v
	case "time":
		return x.now.In(x.e.location(x.ctx, x.run.WorkspaceID)).Format("15:04")
	}
	return nil
}

func (cond condition) holds(x *execution) bool {
	// values are templates as value is (saving checks them as such).
	var values []string
	for _, v := range cond.Values {
		values = append(values, x.text(v))
	}
	v := cond.subject(x)
	if cond.Subject == "time" && cond.Operator == "between" && len(values) == 2 && later(values[0], values[1]) {
		// A time of day from a later start to an earlier end spans
		// midnight (the night shift, 22:00 to 06:00): no clock time is
		// both after the one and before the other.
		return compare(v, "between", "", []string{values[0], "23:59"}) || compare(v, "between", "", []string{"00:00", values[1]})
	}
	return compare(v, cond.Operator, x.text(cond.Value), values)
}

// later says a time's between starts after it ends (both ordered).
func later(start, end string) bool {
	n, ok := orderOf([]string{start}, end)
	return ok && n > 0
}
