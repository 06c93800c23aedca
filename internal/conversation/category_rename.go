package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// RenameCategory renames a closing category. Conversations already closed
// with it keep the name they were closed with; workflows that name it are
// carried to the new name in the same transaction (SetCategoryUsers).
func (s *Service) RenameCategory(ctx context.Context, workspaceID, id int64, name string) (Category, error) {
	c := Category{ID: id, Name: strings.TrimSpace(name)}
	if c.Name == "" {
		return Category{}, apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", c.Name, MaxCategoryLen); err != nil {
		return Category{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var old string
		var created int64
		err := tx.QueryRow(ctx, `SELECT name, created_at FROM closing_categories WHERE workspace_id = ? AND id = ?`,
			workspaceID, id).Scan(&old, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("closing category")
		}
		if err != nil {
			return err
		}
		c.CreatedAt = db.Time(created)
		if _, err := tx.Exec(ctx, `UPDATE closing_categories SET name = ? WHERE workspace_id = ? AND id = ?`, c.Name, workspaceID, id); err != nil {
			return err
		}
		if old != c.Name && s.categoryUsers != nil {
			return s.categoryUsers.RenameTx(ctx, tx, workspaceID, old, c.Name)
		}
		return nil
	})
	switch {
	case db.IsUniqueViolation(err):
		return Category{}, apperr.Conflict("a closing category named %q already exists", c.Name)
	case apperr.KindOf(err) != "":
		return Category{}, err
	case err != nil:
		return Category{}, fmt.Errorf("conversation: rename category: %w", err)
	}
	return c, nil
}
