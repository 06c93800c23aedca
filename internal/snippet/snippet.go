// Package snippet holds a workspace's snippets: canned texts an agent
// inserts in the composer by typing "/" and the snippet's name. Managers
// and owners write them (the route table says so); everyone reads them.
package snippet

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Limits of a snippet, in characters. A name is what follows "/" in the
// composer, so it is a short word: lowercase letters, digits, "-" and "_",
// starting with a letter or digit.
const (
	MaxNameLen = 50
	MaxTextLen = limit.LongText // as long as a message may be
)

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Snippet is a canned text of the workspace.
type Snippet struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Input creates a snippet (both fields) or changes one (the fields given).
type Input struct {
	Name *string `json:"name"`
	Text *string `json:"text"`
}

// Service reads and writes snippets.
type Service struct{ db *db.DB }

// New returns the service over d.
func New(d *db.DB) *Service { return &Service{db: d} }

// OrderName names the order of the snippet list (by name) in its cursors.
const OrderName = "name"

// checkName validates a snippet name.
func checkName(name string) error {
	if name == "" {
		return apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", name, MaxNameLen); err != nil {
		return err
	}
	if !namePattern.MatchString(name) {
		return apperr.Invalid("name", "must be lowercase letters, digits, - and _, starting with a letter or digit (it is typed after /)")
	}
	return nil
}

// checkText validates a snippet's text, trimmed.
func checkText(text string) error {
	if text == "" {
		return apperr.Invalid("text", "is required")
	}
	return limit.Text("text", text, MaxTextLen)
}

// Create adds a snippet; a name already used in the workspace is a conflict.
func (s *Service) Create(ctx context.Context, workspaceID int64, in Input) (Snippet, error) {
	var sn Snippet
	if in.Name != nil {
		sn.Name = strings.TrimSpace(*in.Name)
	}
	if in.Text != nil {
		sn.Text = strings.TrimSpace(*in.Text)
	}
	if err := checkName(sn.Name); err != nil {
		return Snippet{}, err
	}
	if err := checkText(sn.Text); err != nil {
		return Snippet{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		sn.CreatedAt, sn.UpdatedAt = db.Time(now), db.Time(now)
		return tx.QueryRow(ctx, `INSERT INTO snippets (workspace_id, name, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, sn.Name, sn.Text, now, now).Scan(&sn.ID)
	})
	if db.IsUniqueViolation(err) {
		return Snippet{}, apperr.Conflict("a snippet named %q already exists", sn.Name)
	}
	if err != nil {
		return Snippet{}, fmt.Errorf("snippet: create: %w", err)
	}
	return sn, nil
}

// Update changes the fields given of a snippet.
func (s *Service) Update(ctx context.Context, workspaceID, id int64, in Input) (Snippet, error) {
	var name, text string
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if err := checkName(name); err != nil {
			return Snippet{}, err
		}
	}
	if in.Text != nil {
		text = strings.TrimSpace(*in.Text)
		if err := checkText(text); err != nil {
			return Snippet{}, err
		}
	}
	var sn Snippet
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		if sn, err = get(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		if in.Name != nil {
			sn.Name = name
		}
		if in.Text != nil {
			sn.Text = text
		}
		now := tx.Now()
		sn.UpdatedAt = db.Time(now)
		_, err = tx.Exec(ctx, `UPDATE snippets SET name = ?, text = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`,
			sn.Name, sn.Text, now, workspaceID, id)
		return err
	})
	if db.IsUniqueViolation(err) {
		return Snippet{}, apperr.Conflict("a snippet named %q already exists", sn.Name)
	}
	if err != nil && apperr.KindOf(err) == "" {
		return Snippet{}, fmt.Errorf("snippet: update: %w", err)
	}
	return sn, err
}

// Get returns one snippet of the workspace.
func (s *Service) Get(ctx context.Context, workspaceID, id int64) (Snippet, error) {
	return get(ctx, s.db.Reader(), workspaceID, id)
}

func get(ctx context.Context, q db.Querier, workspaceID, id int64) (Snippet, error) {
	var sn Snippet
	var created, updated int64
	err := q.QueryRow(ctx, `SELECT id, name, text, created_at, updated_at FROM snippets WHERE workspace_id = ? AND id = ?`,
		workspaceID, id).Scan(&sn.ID, &sn.Name, &sn.Text, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Snippet{}, apperr.NotFound("snippet")
	}
	if err != nil {
		return Snippet{}, fmt.Errorf("snippet: get: %w", err)
	}
	sn.CreatedAt, sn.UpdatedAt = db.Time(created), db.Time(updated)
	return sn, nil
}

// likeEscaper makes a search string match literally inside LIKE '…%'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// List returns a page of the workspace's snippets by name. A search keeps
// those whose name or text starts with it (case-insensitive in ASCII), as
// the composer narrows the list while the agent types after "/".
func (s *Service) List(ctx context.Context, workspaceID int64, search string, req page.Request) (page.Page[Snippet], error) {
	if err := limit.Param("q", search, limit.Search); err != nil {
		return page.Page[Snippet]{}, err
	}
	after, args := req.Keyset("name", "id", false, page.Text)
	cond := "1=1"
	if search != "" {
		like := likeEscaper.Replace(strings.ToLower(search)) + "%"
		cond = `(name LIKE ? ESCAPE '\' OR search_fold(text) LIKE ? ESCAPE '\')`
		args = append([]any{like, like}, args...)
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT id, name, text, created_at, updated_at FROM snippets WHERE workspace_id = ? AND `+cond+
		` AND `+after+` ORDER BY name, id LIMIT ?`, append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Snippet]{}, fmt.Errorf("snippet: list: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Snippet, error) {
		var sn Snippet
		var created, updated int64
		err := rows.Scan(&sn.ID, &sn.Name, &sn.Text, &created, &updated)
		sn.CreatedAt, sn.UpdatedAt = db.Time(created), db.Time(updated)
		return sn, err
	})
	if err != nil {
		return page.Page[Snippet]{}, fmt.Errorf("snippet: list: %w", err)
	}
	return page.Cut(list, req.Limit, func(sn Snippet) page.Cursor { return page.Cursor{Order: OrderName, Text: sn.Name, ID: sn.ID} }), nil
}

// Delete removes a snippet.
func (s *Service) Delete(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		return tx.DeleteOwned(ctx, "snippets", "snippet", workspaceID, id)
	})
}
