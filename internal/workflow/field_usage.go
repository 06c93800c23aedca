package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// FieldUse is a workflow whose draft or published version refers to a
// custom contact field.
type FieldUse struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
	// In says where the field is used: "draft", "published" or both.
	In []string `json:"in"`
}

// FieldUsage lists the workflows of the workspace whose draft or
// published definition refers to the custom field key: a template
// ({{contact.fields.<key>}} or {{contact.<key>}}), a step or trigger
// setting naming it ("field": key, as Update contact field and the
// field-updated trigger have; "contact_field": key, Classify's), or a
// field target or condition
// ({"kind"|"subject": "field", "name": key}, as Ask a question and
// Branch have). Workflows are few per workspace: they are all read.
func (s *Service) FieldUsage(ctx context.Context, workspaceID int64, key string) ([]FieldUse, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT w.id, w.name, w.active, w.draft, COALESCE(v.definition, '')
		FROM workflows w LEFT JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.published_version
		WHERE w.workspace_id = ? ORDER BY w.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("workflow: field usage: %w", err)
	}
	defer rows.Close()
	template := regexp.MustCompile(`\bcontact\.(fields\.)?` + regexp.QuoteMeta(key) + `\b`)
	out := []FieldUse{}
	for rows.Next() {
		var u FieldUse
		var active int
		var draft, published string
		if err := rows.Scan(&u.ID, &u.Name, &active, &draft, &published); err != nil {
			return nil, fmt.Errorf("workflow: field usage: %w", err)
		}
		u.Active = active == 1
		if draft != "" && usesField(draft, key, template) {
			u.In = append(u.In, "draft")
		}
		if published != "" && usesField(published, key, template) {
			u.In = append(u.In, "published")
		}
		if len(u.In) > 0 {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// usesField walks a definition's JSON for a reference to the field key.
func usesField(definition, key string, template *regexp.Regexp) bool {
	var v any
	if json.Unmarshal([]byte(definition), &v) != nil {
		return false
	}
	return refers(v, key, template)
}

func refers(v any, key string, template *regexp.Regexp) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, "{{") && template.MatchString(x)
	case []any:
		for _, e := range x {
			if refers(e, key, template) {
				return true
			}
		}
	case map[string]any:
		// "field": Update contact field, the field-updated trigger;
		// "contact_field": Classify, which saves the intent there too.
		for _, setting := range []string{"field", "contact_field"} {
			if f, ok := x[setting].(string); ok && (f == key || f == "fields."+key) {
				return true
			}
		}
		if x["kind"] == "field" || x["subject"] == "field" {
			if n, ok := x["name"].(string); ok && (n == key || n == "fields."+key) {
				return true
			}
		}
		for _, e := range x {
			if refers(e, key, template) {
				return true
			}
		}
	}
	return false
}
