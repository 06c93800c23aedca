package workflow

import (
	"context"
	"fmt"
)

// Shortcut is a workflow an agent may run from the inbox on the open
// contact: the menu entry and the form its run asks for.
type Shortcut struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Inputs      []ShortcutInput `json:"inputs"`
}

// maxShortcuts bounds the menu: a workspace with more active shortcut
// workflows than this shows the first ones by name.
const maxShortcuts = 200

// Shortcuts lists the workspace's active workflows whose published
// version has a shortcut trigger, by name: what every member, agents
// included, may run (GET /api/v1/workflows is for managers).
func (s *Service) Shortcuts(ctx context.Context, workspaceID int64) ([]Shortcut, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT `+wfColumns+` FROM workflows
		WHERE workspace_id = ? AND active = 1 AND published_version > 0 ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("workflow: shortcuts: %w", err)
	}
	var all []Workflow
	for rows.Next() {
		w, _, err := scanRow(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The published definitions are read once the rows are closed: a read
	// never holds another's rows open.
	out := []Shortcut{}
	for _, w := range all {
		d, err := s.version(ctx, s.db.Reader(), w.ID, w.PublishedVersion)
		if err != nil {
			return nil, err
		}
		if d == nil || d.Trigger.Type != "shortcut" {
			continue
		}
		var t shortcutTrigger
		if err := decodeSettings(d.Trigger.Conditions, &t); err != nil {
			return nil, err
		}
		if t.Inputs == nil {
			t.Inputs = []ShortcutInput{}
		}
		out = append(out, Shortcut{ID: w.ID, Name: w.Name, Description: w.Description, Inputs: t.Inputs})
		if len(out) == maxShortcuts {
			break
		}
	}
	return out, nil
}
