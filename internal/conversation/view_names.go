package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// ViewNames is what carries a tag's or a lifecycle stage's rename into
// the saved views whose filter names it (field "tag": ListFilter.Tag;
// "stage": ListFilter.Stage): without it a view went on filtering on the
// old name and showed nothing. The node registers it with the workflows'
// (contact.NameUsersOf). It holds no deletion back: a personal view is
// no reason to keep a tag or a stage.
func ViewNames(field string) contact.NameUsers { return viewNames{field: field} }

type viewNames struct{ field string }

func (v viewNames) name(f *ListFilter) *string {
	if v.field == "stage" {
		return &f.Stage
	}
	return &f.Tag
}

// RenameTx rewrites, in the rename's transaction, the filter of each of
// the workspace's saved views that names from (at most 100 per user).
func (v viewNames) RenameTx(ctx context.Context, tx *db.Tx, workspaceID int64, from, to string) error {
	rows, err := tx.Query(ctx, `SELECT id, filter FROM saved_views WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return fmt.Errorf("conversation: views naming %s %q: %w", v.field, from, err)
	}
	type change struct {
		id     int64
		filter string
	}
	var changes []change
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return err
		}
		var f ListFilter
		if json.Unmarshal([]byte(raw), &f) != nil || *v.name(&f) != from {
			continue
		}
		*v.name(&f) = to
		b, err := json.Marshal(f)
		if err != nil {
			rows.Close()
			return err
		}
		changes = append(changes, change{id, string(b)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		if _, err := tx.Exec(ctx, `UPDATE saved_views SET filter = ? WHERE id = ?`, c.filter, c.id); err != nil {
			return fmt.Errorf("conversation: rename %s in view %d: %w", v.field, c.id, err)
		}
	}
	return nil
}

func (viewNames) UsersTx(context.Context, *db.Tx, int64, string) ([]string, error) { return nil, nil }
