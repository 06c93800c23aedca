package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Tag labels contacts.
type Tag struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Color     string    `json:"color"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateTag defines a tag.
func (s *Service) CreateTag(ctx context.Context, workspaceID int64, in Tag) (Tag, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return Tag{}, apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", in.Name, MaxTagLen); err != nil {
		return Tag{}, err
	}
	in.Color = strings.TrimSpace(in.Color)
	if err := checkTagColor(in.Color); err != nil {
		return Tag{}, err
	}
	in.CreatedAt = db.Time(s.db.Now())
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO tags (workspace_id, name, color, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			workspaceID, in.Name, in.Color, db.Millis(in.CreatedAt)).Scan(&in.ID)
	})
	if db.IsUniqueViolation(err) {
		return Tag{}, apperr.Conflict("a tag named %q already exists", in.Name)
	}
	if err != nil {
		return Tag{}, fmt.Errorf("contact: create tag: %w", err)
	}
	return in, nil
}

// OrderByName names the order of lists sorted by name in their cursors.
const OrderByName = "name"

// ListTags returns a page of the workspace's tags by name.
func (s *Service) ListTags(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Tag], error) {
	after, args := req.Keyset("name", "id", false, page.Text)
	rows, err := s.db.Reader().Query(ctx, `SELECT id, name, color, created_at FROM tags WHERE workspace_id = ? AND `+after+
		` ORDER BY name, id LIMIT ?`, append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Tag]{}, fmt.Errorf("contact: list tags: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Tag, error) {
		var t Tag
		var created int64
		err := rows.Scan(&t.ID, &t.Name, &t.Color, &created)
		t.CreatedAt = db.Time(created)
		return t, err
	})
	if err != nil {
		return page.Page[Tag]{}, fmt.Errorf("contact: list tags: %w", err)
	}
	return page.Cut(list, req.Limit, func(t Tag) page.Cursor { return page.Cursor{Order: OrderByName, Text: t.Name, ID: t.ID} }), nil
}

// DeleteTag removes a tag from the workspace and from every contact.
func (s *Service) DeleteTag(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error { return tx.DeleteOwned(ctx, "tags", "tag", workspaceID, id) })
}

// SetTag adds (or removes) a tag on a contact; adding creates the tag if
// the workspace does not have it yet. It appends contact.tag.updated when
// something changed.
func (s *Service) SetTag(ctx context.Context, p Principal, contactID int64, tag string, add bool) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if err := maySee(ctx, tx, p, contactID); err != nil {
			return err
		}
		if _, err := get(ctx, tx, p.WorkspaceID, contactID); err != nil {
			return err
		}
		_, err := setTag(ctx, tx, p.WorkspaceID, contactID, tag, add)
		return err
	})
}

// SetTagTx is SetTag inside tx; it reports whether anything changed.
func SetTagTx(ctx context.Context, tx *db.Tx, workspaceID, contactID int64, tag string, add bool) (bool, error) {
	if _, err := get(ctx, tx, workspaceID, contactID); err != nil {
		return false, err
	}
	return setTag(ctx, tx, workspaceID, contactID, tag, add)
}

func setTag(ctx context.Context, tx *db.Tx, workspaceID, contactID int64, name string, add bool) (bool, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return false, apperr.Invalid("tag", "is required")
	}
	if err := limit.Text("tag", name, MaxTagLen); err != nil {
		return false, err
	}
	var tagID int64
	err := tx.QueryRow(ctx, `SELECT id FROM tags WHERE workspace_id = ? AND name = ?`, workspaceID, name).Scan(&tagID)
	if errors.Is(err, sql.ErrNoRows) {
		if !add {
			return false, nil
		}
		err = tx.QueryRow(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (?, ?, ?) RETURNING id`, workspaceID, name, tx.Now()).Scan(&tagID)
	}
	if err != nil {
		return false, fmt.Errorf("contact: tag %q: %w", name, err)
	}
	var res sql.Result
	if add {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contact_tags WHERE contact_id = ? AND tag_id = ?`, contactID, tagID).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil
		}
		res, err = tx.Exec(ctx, `INSERT INTO contact_tags (contact_id, tag_id) VALUES (?, ?)`, contactID, tagID)
	} else {
		res, err = tx.Exec(ctx, `DELETE FROM contact_tags WHERE contact_id = ? AND tag_id = ?`, contactID, tagID)
	}
	if err != nil {
		return false, fmt.Errorf("contact: tag %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	action := "added"
	if !add {
		action = "removed"
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.ContactTagUpdated, ContactID: contactID,
		Payload: map[string]any{"contact_id": contactID, "tag": name, "action": action}})
	return true, err
}
