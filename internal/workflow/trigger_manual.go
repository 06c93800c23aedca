package workflow

import (
	"context"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

func init() {
	registerTrigger("manual", func() triggerImpl { return &manualTrigger{} })
	registerTrigger("shortcut", func() triggerImpl { return &shortcutTrigger{} })
}

// manualTrigger starts runs only when another workflow's Trigger Another
// Workflow step (or the API) starts them.
type manualTrigger struct{}

func (t *manualTrigger) check(*checker) {}
func (t *manualTrigger) on() event.Type { return "" }
func (t *manualTrigger) match(context.Context, *db.Tx, event.Event) (map[string]any, bool, error) {
	return nil, false, nil
}

// shortcutTrigger is run by an agent from the inbox on the open contact,
// with a small form whose answers become named variables.
type shortcutTrigger struct {
	Inputs []ShortcutInput `json:"inputs,omitempty"`
}

// ShortcutInput is one field of a shortcut's form.
type ShortcutInput struct {
	Name     string `json:"name"`
	Label    string `json:"label,omitempty"`
	Type     string `json:"type,omitempty"` // text (default), number, email, phone, date
	Required bool   `json:"required,omitempty"`
}

var inputTypes = []string{"", "text", "number", "email", "phone", "date"}

func (t *shortcutTrigger) check(c *checker) {
	seen := map[string]bool{}
	for _, in := range t.Inputs {
		if !stepIDRe.MatchString(in.Name) || seen[in.Name] {
			c.add("trigger.conditions.inputs", "input name %q must be unique, 1–64 letters, digits, _ or -", in.Name)
		}
		seen[in.Name] = true
		if !slices.Contains(inputTypes, in.Type) {
			c.add("trigger.conditions.inputs", "input %q has unknown type %q", in.Name, in.Type)
		}
	}
}

func (t *shortcutTrigger) on() event.Type { return "" }
func (t *shortcutTrigger) match(context.Context, *db.Tx, event.Event) (map[string]any, bool, error) {
	return nil, false, nil
}
