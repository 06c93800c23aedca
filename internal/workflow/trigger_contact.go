package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

func init() {
	registerTrigger("contact_tag_updated", func() triggerImpl { return &tagUpdated{} })
	registerTrigger("contact_field_updated", func() triggerImpl { return &fieldUpdated{} })
	registerTrigger("lifecycle_updated", func() triggerImpl { return &lifecycleUpdated{} })
}

// tagUpdated fires when a tag is added to or removed from a contact.
type tagUpdated struct {
	Tags   []string `json:"tags,omitempty"`   // any of these; empty: any tag
	Action string   `json:"action,omitempty"` // added, removed, or "" for both
}

func (t *tagUpdated) check(c *checker) {
	if t.Action != "" && t.Action != "added" && t.Action != "removed" {
		c.add("trigger.conditions.action", "must be added or removed")
	}
}

func (t *tagUpdated) on() event.Type { return event.ContactTagUpdated }

func (t *tagUpdated) match(_ context.Context, _ *db.Tx, ev event.Event) (map[string]any, bool, error) {
	var p struct{ Tag, Action string }
	json.Unmarshal(ev.Payload, &p)
	if (len(t.Tags) > 0 && !slices.Contains(t.Tags, p.Tag)) || (t.Action != "" && t.Action != p.Action) {
		return nil, false, nil
	}
	return map[string]any{"tag": p.Tag, "action": p.Action}, true, nil
}

// fieldUpdated fires when a contact field changes (a standard field such
// as email, or a custom field by key), optionally only to a given value
// (ignoring case; numbers as numbers).
type fieldUpdated struct {
	Field string  `json:"field"`
	Value *string `json:"value,omitempty"`
}

func (t *fieldUpdated) check(c *checker) {
	if t.Field == "" {
		c.add("trigger.conditions.field", "is required")
	}
}

func (t *fieldUpdated) on() event.Type { return event.ContactUpdated }

func (t *fieldUpdated) match(ctx context.Context, tx *db.Tx, ev event.Event) (map[string]any, bool, error) {
	var p struct {
		Changed []string       `json:"changed"`
		Values  map[string]any `json:"values"`
	}
	json.Unmarshal(ev.Payload, &p)
	key := t.Field
	if !slices.Contains(p.Changed, key) {
		key = "fields." + t.Field
		if !slices.Contains(p.Changed, key) {
			return nil, false, nil
		}
	}
	// The event carries the value it set; a later change must not make an
	// earlier event match (the engine may read the event after both).
	v, ok := p.Values[key]
	if !ok {
		c, err := contact.GetTx(ctx, tx, ev.WorkspaceID, ev.ContactID)
		if err != nil {
			return nil, false, nil // deleted since: nothing to run for
		}
		v, _ = contactValue(&c, []string{t.Field})
	}
	value := stringify(v)
	// Compared as a Branch's equals compares: the store keeps a value's
	// canonical form (a list's option as defined, a number without
	// trailing zeros, an email in lower case), which the API accepts
	// written otherwise, so "pro" must match the option "Pro".
	if t.Value != nil && !equal(*t.Value, value) {
		return nil, false, nil
	}
	return map[string]any{"field": t.Field, "value": value}, true, nil
}

// lifecycleUpdated fires when a contact moves between lifecycle stages,
// optionally only into some stages.
type lifecycleUpdated struct {
	To []string `json:"to,omitempty"`
}

func (t *lifecycleUpdated) check(c *checker) {
	for _, s := range t.To {
		if s == "" {
			c.add("trigger.conditions.to", "a stage name is empty")
		}
	}
}

func (t *lifecycleUpdated) on() event.Type { return event.ContactLifecycle }

func (t *lifecycleUpdated) match(_ context.Context, _ *db.Tx, ev event.Event) (map[string]any, bool, error) {
	var p struct{ From, To string }
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return nil, false, fmt.Errorf("lifecycle payload: %w", err)
	}
	if len(t.To) > 0 && !slices.Contains(t.To, p.To) {
		return nil, false, nil
	}
	return map[string]any{"from": p.From, "to": p.To}, true, nil
}
