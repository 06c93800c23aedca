package conversation

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
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Category is a closing category of the workspace.
type Category struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateCategory adds a closing category.
func (s *Service) CreateCategory(ctx context.Context, workspaceID int64, name string) (Category, error) {
	c := Category{Name: strings.TrimSpace(name), CreatedAt: db.Time(s.db.Now())}
	if c.Name == "" {
		return c, apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", c.Name, MaxCategoryLen); err != nil {
		return Category{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO closing_categories (workspace_id, name, created_at) VALUES (?, ?, ?) RETURNING id`,
			workspaceID, c.Name, db.Millis(c.CreatedAt)).Scan(&c.ID)
	})
	if db.IsUniqueViolation(err) {
		return Category{}, apperr.Conflict("a closing category named %q already exists", c.Name)
	}
	if err != nil {
		return Category{}, fmt.Errorf("conversation: create category: %w", err)
	}
	return c, nil
}

// ListCategories returns a page of the workspace's closing categories by
// name.
func (s *Service) ListCategories(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Category], error) {
	after, args := req.Keyset("name", "id", false, page.Text)
	rows, err := s.db.Reader().Query(ctx, `SELECT id, name, created_at FROM closing_categories WHERE workspace_id = ? AND `+after+
		` ORDER BY name, id LIMIT ?`, append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Category]{}, fmt.Errorf("conversation: list categories: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Category, error) {
		var c Category
		var created int64
		err := rows.Scan(&c.ID, &c.Name, &created)
		c.CreatedAt = db.Time(created)
		return c, err
	})
	if err != nil {
		return page.Page[Category]{}, fmt.Errorf("conversation: list categories: %w", err)
	}
	return page.Cut(list, req.Limit, func(c Category) page.Cursor { return page.Cursor{Order: OrderCategories, Text: c.Name, ID: c.ID} }), nil
}

// OrderCategories names the order of the closing categories (by name) in
// their cursors.
const OrderCategories = "name"

// DeleteCategory removes a closing category; closed conversations keep the
// name they were closed with. One a workflow names (SetCategoryUsers) is
// not deleted: the workflow would silently stop matching or fail.
func (s *Service) DeleteCategory(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if s.categoryUsers != nil {
			var name string
			err := tx.QueryRow(ctx, `SELECT name FROM closing_categories WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.NotFound("closing category")
			}
			if err != nil {
				return fmt.Errorf("conversation: delete category: %w", err)
			}
			users, err := s.categoryUsers.UsersTx(ctx, tx, workspaceID, name)
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return apperr.Conflict("the closing category %q is named by %s: change or delete them first", name, strings.Join(users, ", "))
			}
		}
		return tx.DeleteOwned(ctx, "closing_categories", "closing category", workspaceID, id)
	})
}
