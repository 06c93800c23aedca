package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// View is a user's saved conversation filter: a named inbox view, listed
// with the same filter and counted beside the built-in ones.
type View struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Filter    ListFilter `json:"filter"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// ViewInput creates or replaces a saved view.
type ViewInput struct {
	Name   string     `json:"name"`
	Filter ListFilter `json:"filter"`
}

// Limits of saved views.
const (
	MaxViewName  = 100
	MaxViewsUser = 100
)

func (in *ViewInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", in.Name, MaxViewName); err != nil {
		return err
	}
	if err := in.Filter.Validate(); err != nil {
		var e *apperr.Error
		if errors.As(err, &e) {
			return apperr.Invalid("filter", "%s", e.Message)
		}
		return err
	}
	return nil
}

// viewOwner is the user whose views p reads and writes: a workspace token
// has none.
func viewOwner(p access.Principal) (int64, error) {
	if p.UserID == 0 {
		return 0, apperr.BadRequest("saved views belong to a user: a workspace token has none")
	}
	return p.UserID, nil
}

const viewColumns = `id, name, filter, created_at, updated_at`

func scanView(row interface{ Scan(...any) error }) (View, error) {
	var v View
	var filter string
	var created, updated int64
	if err := row.Scan(&v.ID, &v.Name, &filter, &created, &updated); err != nil {
		return v, err
	}
	v.CreatedAt, v.UpdatedAt = db.Time(created), db.Time(updated)
	return v, json.Unmarshal([]byte(filter), &v.Filter)
}

// ListViews returns the principal's saved views by name (at most
// MaxViewsUser, so not paged).
func (s *Service) ListViews(ctx context.Context, p access.Principal) ([]View, error) {
	user, err := viewOwner(p)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT `+viewColumns+` FROM saved_views WHERE workspace_id = ? AND user_id = ?
		ORDER BY name, id`, p.WorkspaceID, user)
	if err != nil {
		return nil, fmt.Errorf("conversation: list views: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (View, error) { return scanView(rows) })
}

// GetView returns one of the principal's saved views.
func (s *Service) GetView(ctx context.Context, p access.Principal, id int64) (View, error) {
	return getView(ctx, s.db.Reader(), p, id)
}

func getView(ctx context.Context, q db.Querier, p access.Principal, id int64) (View, error) {
	user, err := viewOwner(p)
	if err != nil {
		return View{}, err
	}
	v, err := scanView(q.QueryRow(ctx, `SELECT `+viewColumns+` FROM saved_views WHERE workspace_id = ? AND user_id = ? AND id = ?`,
		p.WorkspaceID, user, id))
	if errors.Is(err, sql.ErrNoRows) {
		return View{}, apperr.NotFound("view")
	}
	if err != nil {
		return View{}, fmt.Errorf("conversation: get view: %w", err)
	}
	return v, nil
}

// CreateView saves a view for the principal; a second view of the same
// name is a conflict.
func (s *Service) CreateView(ctx context.Context, p access.Principal, in ViewInput) (View, error) {
	user, err := viewOwner(p)
	if err != nil {
		return View{}, err
	}
	if err := in.validate(); err != nil {
		return View{}, err
	}
	filter, _ := json.Marshal(in.Filter)
	var v View
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		var n, same int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN name = ? THEN 1 ELSE 0 END), 0) FROM saved_views WHERE user_id = ?`,
			in.Name, user).Scan(&n, &same); err != nil {
			return err
		}
		if same > 0 {
			return apperr.Conflict("a view named %q exists", in.Name)
		}
		if n >= MaxViewsUser {
			return apperr.Conflict("at most %d saved views per user", MaxViewsUser)
		}
		now := tx.Now()
		v = View{Name: in.Name, Filter: in.Filter, CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
		return tx.QueryRow(ctx, `INSERT INTO saved_views (workspace_id, user_id, name, filter, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, p.WorkspaceID, user, in.Name, string(filter), now, now).Scan(&v.ID)
	})
	return v, wrap("create view", err)
}

// UpdateView replaces a saved view's name and filter.
func (s *Service) UpdateView(ctx context.Context, p access.Principal, id int64, in ViewInput) (View, error) {
	if _, err := viewOwner(p); err != nil {
		return View{}, err
	}
	if err := in.validate(); err != nil {
		return View{}, err
	}
	filter, _ := json.Marshal(in.Filter)
	var v View
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		old, err := getView(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var same int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM saved_views WHERE user_id = ? AND name = ? AND id <> ?`,
			p.UserID, in.Name, id).Scan(&same); err != nil {
			return err
		}
		if same > 0 {
			return apperr.Conflict("a view named %q exists", in.Name)
		}
		now := tx.Now()
		v = View{ID: id, Name: in.Name, Filter: in.Filter, CreatedAt: old.CreatedAt, UpdatedAt: db.Time(now)}
		_, err = tx.Exec(ctx, `UPDATE saved_views SET name = ?, filter = ?, updated_at = ? WHERE id = ?`, in.Name, string(filter), now, id)
		return err
	})
	return v, wrap("update view", err)
}

// DeleteView deletes one of the principal's saved views.
func (s *Service) DeleteView(ctx context.Context, p access.Principal, id int64) error {
	return wrap("delete view", s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := getView(ctx, tx, p, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM saved_views WHERE id = ?`, id)
		return err
	}))
}
