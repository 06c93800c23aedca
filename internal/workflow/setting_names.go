package workflow

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// NameKind is a workspace setting that workflows name by its name, which
// the settings screens rename: a lifecycle stage or a closing category.
type NameKind int

const (
	LifecycleStage NameKind = iota + 1
	ClosingCategory
	Tag
)

// SettingNames carries the renames of one kind of setting into the
// workspace's workflows, in the rename's transaction: the contact and
// conversation services call it (the app registers it with them, as they
// may not import this package).
type SettingNames struct {
	svc  *Service
	kind NameKind
}

// SettingNames returns the SettingNames of kind.
func (s *Service) SettingNames(kind NameKind) SettingNames { return SettingNames{s, kind} }

// RenameTx rewrites from to to wherever a draft or a published version
// (every version: runs in flight finish on theirs) of the workspace's
// workflows names it: without it, a renamed stage or category silently
// stops every trigger, Branch and step that names the old name. Only the
// name changes; a version keeps its graph, so runs go on where they are.
func (n SettingNames) RenameTx(ctx context.Context, tx *db.Tx, workspaceID int64, from, to string) error {
	if from == to {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT id, 0, draft FROM workflows WHERE workspace_id = ? AND draft <> ''
		UNION ALL SELECT v.workflow_id, v.version, v.definition FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
		WHERE w.workspace_id = ?`, workspaceID, workspaceID)
	if err != nil {
		return fmt.Errorf("workflow: rename %s: %w", n.kind, err)
	}
	type body struct {
		id      int64
		version int // 0: the draft
		text    string
	}
	bodies, err := db.Collect(rows, func(rows *sql.Rows) (body, error) {
		var b body
		return b, rows.Scan(&b.id, &b.version, &b.text)
	})
	if err != nil {
		return fmt.Errorf("workflow: rename %s: %w", n.kind, err)
	}
	changed := false
	for _, b := range bodies {
		d, err := ParseDefinition([]byte(b.text))
		if err != nil {
			return err
		}
		if k, err := renameIn(&d, n.kind, from, to); err != nil || k == 0 {
			if err != nil {
				return fmt.Errorf("workflow: rename %s in workflow %d: %w", n.kind, b.id, err)
			}
			continue
		}
		text, _ := json.Marshal(d)
		if b.version == 0 {
			// A new revision of the draft, said to be the settings': a
			// builder open on the one before, saving it, would put the old
			// name back; its save is refused instead (draft_changed), saying
			// what changed.
			_, err = tx.Exec(ctx, `UPDATE workflows SET draft = ?, draft_revision = draft_revision + 1, draft_saved_at = ?,
				draft_saved_by = NULL, draft_saved_by_name = ? WHERE id = ?`,
				string(text), tx.Now(), fmt.Sprintf("the settings (%s %q renamed %q)", n.kind, from, to), b.id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE workflow_versions SET definition = ? WHERE workflow_id = ? AND version = ?`, string(text), b.id, b.version)
			changed = true
		}
		if err != nil {
			return fmt.Errorf("workflow: rename %s: %w", n.kind, err)
		}
	}
	if changed {
		// Versions are cached: this node forgets them once the rename
		// commits, and tells the other nodes to (versionTTL bounds what
		// a lost broadcast costs).
		tx.OnCommit(func() {
			n.svc.forgetVersions()
			n.svc.db.Broadcast(context.Background(), versionsTopic, "renamed")
		})
	}
	return nil
}

// UsersTx names the workflows of the workspace whose draft or published
// version names name (as RenameTx would rewrite it), as `workflow "Name"
// (id)`: deleting the setting would silently stop them, so the settings
// refuse it while any does. Older versions are not read: only runs in
// flight use them, and those end.
func (n SettingNames) UsersTx(ctx context.Context, tx *db.Tx, workspaceID int64, name string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT w.id, w.name, w.draft, COALESCE(v.definition, '')
		FROM workflows w LEFT JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.published_version
		WHERE w.workspace_id = ? ORDER BY w.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("workflow: users of %s: %w", n.kind, err)
	}
	type workflow struct {
		id                     int64
		name, draft, published string
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (workflow, error) {
		var w workflow
		return w, rows.Scan(&w.id, &w.name, &w.draft, &w.published)
	})
	if err != nil {
		return nil, fmt.Errorf("workflow: users of %s: %w", n.kind, err)
	}
	var out []string
	for _, w := range list {
		for _, text := range []string{w.draft, w.published} {
			if text == "" {
				continue
			}
			d, err := ParseDefinition([]byte(text))
			if err != nil {
				return nil, err
			}
			if k, err := renameIn(&d, n.kind, name, name); err != nil || k > 0 {
				if err != nil {
					return nil, err
				}
				out = append(out, fmt.Sprintf("workflow %q (%d)", w.name, w.id))
				break
			}
		}
	}
	return out, nil
}

func (k NameKind) String() string {
	switch k {
	case ClosingCategory:
		return "closing category"
	case Tag:
		return "tag"
	}
	return "lifecycle stage"
}

// renameIn replaces from with to wherever d names a setting of kind, and
// answers how many places it replaced (to == from counts the places that
// name it). A Branch's operand is matched as the Branch compares
// (ignoring case), and only for the operators that compare whole names.
func renameIn(d *Definition, kind NameKind, from, to string) (int, error) {
	n := 0
	swap := func(m map[string]any, key string, same func(a, b string) bool) {
		switch v := m[key].(type) {
		case string:
			if same(v, from) {
				m[key], n = to, n+1
			}
		case []any:
			for i, e := range v {
				if s, ok := e.(string); ok && same(s, from) {
					v[i], n = to, n+1
				}
			}
		}
	}
	exact := func(a, b string) bool { return a == b }
	var err error
	edit := func(raw *json.RawMessage, fn func(m map[string]any)) {
		if len(*raw) == 0 || err != nil {
			return
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(*raw))
		dec.UseNumber() // numbers written back as they were
		if dec.Decode(&m) != nil {
			return // not an object: it names nothing
		}
		before := n
		fn(m)
		if n > before {
			*raw, err = json.Marshal(m)
		}
	}
	// The template paths a Branch's variable condition may compare with
	// a name of kind.
	paths := map[string]bool{}
	switch kind {
	case LifecycleStage:
		paths["contact.lifecycle"], paths["contact.lifecycle_stage"] = true, true
		if d.Trigger.Type == "lifecycle_updated" {
			paths["trigger.to"], paths["trigger.from"] = true, true
		}
	case ClosingCategory:
		if d.Trigger.Type == "conversation_closed" {
			paths["trigger.category"] = true
		}
	case Tag:
		if d.Trigger.Type == "contact_tag_updated" {
			paths["trigger.tag"] = true
		}
	}
	switch {
	case kind == ClosingCategory && d.Trigger.Type == "conversation_closed":
		edit(&d.Trigger.Conditions, func(m map[string]any) { swap(m, "categories", exact) })
	case kind == LifecycleStage && d.Trigger.Type == "lifecycle_updated":
		edit(&d.Trigger.Conditions, func(m map[string]any) { swap(m, "to", exact) })
	case kind == LifecycleStage && d.Trigger.Type == "schedule":
		edit(&d.Trigger.Conditions, func(m map[string]any) {
			if c, ok := m["contacts"].(map[string]any); ok {
				swap(c, "lifecycle", exact)
			}
		})
	case kind == Tag && d.Trigger.Type == "contact_tag_updated":
		edit(&d.Trigger.Conditions, func(m map[string]any) { swap(m, "tags", exact) })
	case kind == Tag && d.Trigger.Type == "schedule":
		edit(&d.Trigger.Conditions, func(m map[string]any) {
			if c, ok := m["contacts"].(map[string]any); ok {
				swap(c, "tag", exact)
			}
		})
	}
	for i := range d.Steps {
		st := &d.Steps[i]
		switch {
		case kind == LifecycleStage && st.Type == "update_lifecycle":
			edit(&st.Settings, func(m map[string]any) { swap(m, "stage", exact) })
		case kind == ClosingCategory && st.Type == "close_conversation":
			edit(&st.Settings, func(m map[string]any) { swap(m, "category", exact) })
		case kind == Tag && st.Type == "update_contact_tag":
			edit(&st.Settings, func(m map[string]any) { swap(m, "tags", exact) })
		case st.Type == "branch":
			edit(&st.Settings, func(m map[string]any) {
				branches, _ := m["branches"].([]any)
				for _, b := range branches {
					b, _ := b.(map[string]any)
					conds, _ := b["conditions"].([]any)
					for _, c := range conds {
						c, _ := c.(map[string]any)
						subject, _ := c["subject"].(string)
						name, _ := c["name"].(string)
						op, _ := c["operator"].(string)
						if !(kind == LifecycleStage && subject == "lifecycle" || kind == Tag && subject == "tag" || subject == "variable" && paths[name]) {
							continue
						}
						switch op {
						case "equals", "not_equals":
							swap(c, "value", equal)
						case "has_any_of", "has_all_of", "has_none_of":
							swap(c, "values", equal)
						}
					}
				}
			})
		}
	}
	return n, err
}
