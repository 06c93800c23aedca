package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Version is one published version of a workflow as the versions list
// shows it: when it was published and how many runs started on it.
type Version struct {
	Version     int       `json:"version"`
	PublishedAt time.Time `json:"published_at"`
	// PublishedBy is who published it; nil for the system, a token
	// without a user, or a version published before it was recorded.
	PublishedBy *Publisher `json:"published_by"`
	// Published is true for the version new runs start on.
	Published bool `json:"published"`
	// Runs is how many runs started on this version (the test panel's
	// left out).
	Runs int `json:"runs"`
	// Waiting is how many of them have not ended (running or waiting).
	Waiting int `json:"waiting"`
	// Definition is the version's definition; only GetVersion answers it.
	Definition *Definition `json:"definition,omitempty"`
}

// Publisher is the user who published a version, or last changed a
// workflow's draft, named as they were then.
type Publisher struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// publisherOf is the Publisher of a version's published_by columns.
func publisherOf(id sql.NullInt64, name string) *Publisher {
	if !id.Valid {
		return nil
	}
	return &Publisher{ID: id.Int64, Name: name}
}

// maxVersion is the largest version number the store holds (an INTEGER
// column): a larger one is no version, and PostgreSQL refuses to compare
// the column with it.
const maxVersion = math.MaxInt32

// OrderVersions names the order of a versions list (newest first) in its
// cursors; a cursor's id is the version number.
const OrderVersions = "versions"

// ListVersions returns a page of a workflow's published versions, newest
// first, each with its runs counted.
func (s *Service) ListVersions(ctx context.Context, workspaceID, workflowID int64, req page.Request) (page.Page[Version], error) {
	w, err := s.Get(ctx, workspaceID, workflowID)
	if err != nil {
		return page.Page[Version]{}, err
	}
	if req.After != nil && req.After.ID > maxVersion {
		// Every version is before a (forged) cursor past the column's
		// range, which PostgreSQL would refuse to compare with.
		c := *req.After
		c.ID = maxVersion
		req.After = &c
	}
	after, args := req.ByID("version", true)
	rows, err := s.db.Reader().Query(ctx, `SELECT version, published_at, published_by, published_by_name FROM workflow_versions WHERE workflow_id = ? AND `+after+
		` ORDER BY version DESC LIMIT ?`, append(append([]any{workflowID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Version]{}, fmt.Errorf("workflow: list versions: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Version, error) {
		var v Version
		var at int64
		var by sql.NullInt64
		var name string
		err := rows.Scan(&v.Version, &at, &by, &name)
		v.PublishedAt, v.Published, v.PublishedBy = db.Time(at), v.Version == w.PublishedVersion, publisherOf(by, name)
		return v, err
	})
	if err != nil {
		return page.Page[Version]{}, fmt.Errorf("workflow: list versions: %w", err)
	}
	p := page.Cut(list, req.Limit, func(v Version) page.Cursor { return page.Cursor{Order: OrderVersions, ID: int64(v.Version)} })
	if len(p.Data) == 0 {
		return p, nil
	}
	// The page's versions are contiguous: count their runs in one query
	// (the test panel's runs left out, as every count leaves them).
	lo, hi := p.Data[len(p.Data)-1].Version, p.Data[0].Version
	rows, err = s.db.Reader().Query(ctx, `SELECT version, COUNT(*), SUM(CASE WHEN ended_at = 0 THEN 1 ELSE 0 END)
		FROM workflow_runs WHERE workflow_id = ? AND version BETWEEN ? AND ? AND is_test = 0 GROUP BY version`, workflowID, lo, hi)
	if err != nil {
		return page.Page[Version]{}, fmt.Errorf("workflow: count runs by version: %w", err)
	}
	defer rows.Close()
	byVersion := map[int]*Version{}
	for i := range p.Data {
		byVersion[p.Data[i].Version] = &p.Data[i]
	}
	for rows.Next() {
		var version int
		var runs, waiting int64
		if err := rows.Scan(&version, &runs, &waiting); err != nil {
			return page.Page[Version]{}, fmt.Errorf("workflow: count runs by version: %w", err)
		}
		if v := byVersion[version]; v != nil {
			v.Runs, v.Waiting = int(runs), int(waiting)
		}
	}
	return p, rows.Err()
}

// GetVersion returns one published version with its definition and its
// runs counted; an unknown version is not found.
func (s *Service) GetVersion(ctx context.Context, workspaceID, workflowID int64, version int) (Version, error) {
	w, err := s.Get(ctx, workspaceID, workflowID)
	if err != nil {
		return Version{}, err
	}
	if version < 1 || version > maxVersion {
		return Version{}, apperr.NotFound("workflow version")
	}
	v := Version{Version: version, Published: version == w.PublishedVersion}
	var at, runs, waiting int64
	var by sql.NullInt64
	var name string
	err = s.db.Reader().QueryRow(ctx, `SELECT published_at, published_by, published_by_name FROM workflow_versions WHERE workflow_id = ? AND version = ?`,
		workflowID, version).Scan(&at, &by, &name)
	if err != nil {
		return Version{}, notFound(err, "workflow version")
	}
	if err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN ended_at = 0 THEN 1 ELSE 0 END), 0)
		FROM workflow_runs WHERE workflow_id = ? AND version = ? AND is_test = 0`, workflowID, version).Scan(&runs, &waiting); err != nil {
		return Version{}, fmt.Errorf("workflow: get version: %w", err)
	}
	v.PublishedAt, v.Runs, v.Waiting, v.PublishedBy = db.Time(at), int(runs), int(waiting), publisherOf(by, name)
	if v.Definition, err = s.version(ctx, s.db.Reader(), workflowID, version); err != nil {
		return Version{}, err
	}
	return v, nil
}
