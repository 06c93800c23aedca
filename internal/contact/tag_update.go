package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// tagColor is a tag's colour: "" (none) or #rrggbb.
var tagColor = regexp.MustCompile(`^(#[0-9a-fA-F]{6})?$`)

// TagUpdate renames or recolours a tag; nil fields are unchanged.
type TagUpdate struct {
	Name  *string `json:"name"`
	Color *string `json:"color"`
}

func checkTagColor(color string) error {
	if err := limit.Text("color", color, MaxTagColorLen); err != nil {
		return err
	}
	if !tagColor.MatchString(color) {
		return apperr.Invalid("color", "must be a colour #rrggbb, or empty for none")
	}
	return nil
}

// UpdateTag renames or recolours a tag. Contacts keep it: they refer to
// it by id. Workflows name it by name: a rename is carried into them in
// the same transaction (SetTagUsers).
func (s *Service) UpdateTag(ctx context.Context, workspaceID, id int64, in TagUpdate) (Tag, error) {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" {
			return Tag{}, apperr.Invalid("name", "is required")
		}
		if err := limit.Text("name", name, MaxTagLen); err != nil {
			return Tag{}, err
		}
		in.Name = &name
	}
	if in.Color != nil {
		color := strings.TrimSpace(*in.Color)
		if err := checkTagColor(color); err != nil {
			return Tag{}, err
		}
		in.Color = &color
	}
	var t Tag
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var old string
		if err := tx.QueryRow(ctx, `SELECT name FROM tags WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&old); err != nil {
			return err // sql.ErrNoRows: a 404 below
		}
		res, err := tx.Exec(ctx, `UPDATE tags SET name = COALESCE(?, name), color = COALESCE(?, color) WHERE workspace_id = ? AND id = ?`,
			in.Name, in.Color, workspaceID, id)
		if err != nil {
			return err
		}
		if err := db.Affected(res, "tag"); err != nil {
			return err
		}
		if in.Name != nil && *in.Name != old && s.tagUsers != nil {
			if err := s.tagUsers.RenameTx(ctx, tx, workspaceID, old, *in.Name); err != nil {
				return err
			}
		}
		var created int64
		err = tx.QueryRow(ctx, `SELECT id, name, color, created_at FROM tags WHERE id = ?`, id).Scan(&t.ID, &t.Name, &t.Color, &created)
		t.CreatedAt = db.Time(created)
		return err
	})
	if db.IsUniqueViolation(err) {
		return Tag{}, apperr.Conflict("a tag named %q already exists", *in.Name)
	}
	if apperr.KindOf(err) != "" {
		return Tag{}, err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Tag{}, apperr.NotFound("tag")
	}
	if err != nil {
		return Tag{}, fmt.Errorf("contact: update tag: %w", err)
	}
	return t, nil
}
