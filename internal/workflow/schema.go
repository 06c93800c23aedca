package workflow

import (
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Schema returns the JSON Schema (draft 2020-12) of a workflow
// definition, built from the step and trigger types this build knows, so
// it cannot drift from what the validator accepts. Validate still checks
// what a schema cannot say (targets, reachability, limits per setting).
var Schema = sync.OnceValue(func() map[string]any {
	var steps, triggers []any
	for _, name := range sortedKeys(stepKinds) {
		impl := stepKinds[name]()
		exits := impl.exits()
		exitProp := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
		if name == "branch" {
			exitProp["propertyNames"] = map[string]any{"pattern": `^(branch\[[0-8]\]|else)$`}
		} else {
			exitProp["propertyNames"] = map[string]any{"enum": exits}
		}
		steps = append(steps, map[string]any{
			"title": name,
			"type":  "object",
			"properties": map[string]any{
				"id": map[string]any{"type": "string", "pattern": `^[A-Za-z0-9_\-]{1,64}$`,
					"not": map[string]any{"const": TriggerNodeID}},
				"type":     map[string]any{"const": name},
				"name":     map[string]any{"type": "string"},
				"settings": schemaOf(reflect.TypeOf(impl).Elem()),
				"exits":    exitProp,
			},
			"required":             []string{"id", "type"},
			"additionalProperties": false,
		})
	}
	for _, name := range sortedKeys(triggerKinds) {
		impl := triggerKinds[name]()
		triggers = append(triggers, map[string]any{
			"title": name,
			"type":  "object",
			"properties": map[string]any{
				"type":             map[string]any{"const": name},
				"conditions":       schemaOf(reflect.TypeOf(impl).Elem()),
				"once_per_contact": map[string]any{"type": "boolean"},
			},
			"required":             []string{"type"},
			"additionalProperties": false,
		})
	}
	return map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://switchboard.chat/schemas/workflow.json",
		"title":       "Switchboard workflow definition",
		"description": "A trigger and a graph of steps. Texts may hold variables written {{contact.first_name}}; see docs/workflows.md.",
		"type":        "object",
		"properties": map[string]any{
			"name":        map[string]any{"type": "string", "minLength": 1, "maxLength": 200},
			"description": map[string]any{"type": "string"},
			"start":       map[string]any{"type": "string"},
			"options": map[string]any{"type": "object", "properties": map[string]any{
				"end_on_assignment": map[string]any{"type": "boolean"}}, "additionalProperties": false},
			"trigger": map[string]any{"oneOf": triggers},
			"steps":   map[string]any{"type": "array", "minItems": 1, "maxItems": MaxSteps, "items": map[string]any{"oneOf": steps}},
		},
		"required":             []string{"name", "trigger", "steps"},
		"additionalProperties": false,
	}
})

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// annotate adds to a field's schema what its type cannot say, from the
// field's tags, so that a form (the builder's step drawer) can offer a
// picker rather than a text field by reading the schema alone:
//
//   - ref:"user" (team, workflow, step, channel): the value names one of
//     those, written "x-ref" (an extension keyword validators ignore);
//   - keys:"mon tue …": the only keys a map may have (propertyNames);
//   - format:"date": a YYYY-MM-DD date (of each item of a list);
//   - format:"time": a 24-hour HH:MM time of day;
//   - format:"local-datetime": a YYYY-MM-DD date with an optional 24-hour
//     time, "YYYY-MM-DD HH:MM", on the wall clock of a zone said apart
//     (not JSON Schema's date-time, which is RFC 3339 with an offset);
//   - after:"from": the value must be later than its sibling from (the
//     end of a period), written "x-after"; an end time may be "24:00",
//     the end of the day.
func annotate(s map[string]any, tag reflect.StructTag) map[string]any {
	if ref := tag.Get("ref"); ref != "" {
		s["x-ref"] = ref
	}
	if after := tag.Get("after"); after != "" {
		s["x-after"] = after
	}
	if keys := tag.Get("keys"); keys != "" {
		s["propertyNames"] = map[string]any{"enum": strings.Fields(keys)}
	}
	if format := tag.Get("format"); format != "" {
		target := s
		if items, ok := s["items"].(map[string]any); ok {
			target = items
		}
		target["format"] = format
	}
	return s
}

// schemaOf describes a settings type from its JSON field tags.
func schemaOf(t reflect.Type) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem())
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" || name == "-" {
				continue
			}
			props[name] = annotate(schemaOf(f.Type), f.Tag)
			if !strings.Contains(opts, "omit") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
		out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			out["required"] = required
		}
		return out
	}
	return map[string]any{}
}
