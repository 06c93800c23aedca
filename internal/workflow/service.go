package workflow

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Workflow is a workflow as the API shows it: its draft (if it has
// unpublished changes), its published version, and whether it is active.
type Workflow struct {
	ID               int64       `json:"id"`
	WorkspaceID      int64       `json:"workspace_id"`
	Name             string      `json:"name"`
	Description      string      `json:"description"`
	Active           bool        `json:"active"`
	PublishedVersion int         `json:"published_version"`
	Draft            *Definition `json:"draft,omitempty"`
	Published        *Definition `json:"published,omitempty"`
	WebhookSecret    string      `json:"webhook_secret,omitempty"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	// DraftRevision counts the changes of the draft, each save and each
	// publish: a save or publish sent with it (If-Match, the ETag of the
	// answers) is refused while the draft has changed since.
	DraftRevision int64 `json:"draft_revision"`
	// DraftSavedAt is when the draft last changed (saved, or published);
	// nil before that was recorded.
	DraftSavedAt *time.Time `json:"draft_saved_at"`
	// DraftSavedBy is who last changed the draft, named as they were
	// then; nil for the system, a token without a user, or a change
	// before that was recorded.
	DraftSavedBy *Publisher `json:"draft_saved_by"`
	Warnings     []string   `json:"warnings,omitempty"`
	// TriggerType is the published version's trigger type, or the
	// draft's while nothing is published.
	TriggerType string `json:"trigger_type"`
	// Status is draft (never published), published (active) or stopped.
	Status string `json:"status"`
	// Stats are the runs' counts; the list answers them.
	Stats *Stats `json:"stats,omitempty"`
}

// Service manages workflow definitions and their runs.
type Service struct {
	db       *db.DB
	versions sync.Map // versionKey -> cachedVersion
	// forgets counts forgetVersions: a version read while one happened
	// may be the old text, and is not cached.
	forgets atomic.Int64
}

// cachedVersion is a version's definition and when it was read. A
// version's graph never changes; its names of lifecycle stages and
// closing categories do when those are renamed (SettingNames.RenameTx).
type cachedVersion struct {
	d  *Definition
	at time.Time
}

// versionTTL is how long a cached version is used. The node that renames
// a setting forgets its versions at once and tells the others
// (versionsTopic); this bounds how long a node that missed that hint
// runs on the old name.
const versionTTL = time.Minute

// versionsTopic is the broadcast telling the other nodes to forget their
// cached versions.
const versionsTopic = "workflow-versions"

type versionKey struct {
	id      int64
	version int
}

// NewService returns a Service on d.
func NewService(d *db.DB) *Service {
	s := &Service{db: d}
	d.OnBroadcast(versionsTopic, func(string) { s.forgetVersions() })
	return s
}

// forgetVersions drops every cached version.
func (s *Service) forgetVersions() {
	s.forgets.Add(1)
	s.versions.Clear()
}

const wfColumns = `id, workspace_id, name, description, draft, published_version, active, webhook_secret, created_at, updated_at,
	draft_revision, draft_saved_at, draft_saved_by, draft_saved_by_name`

// scanRow reads wfColumns, leaving the draft as its JSON.
func scanRow(row interface{ Scan(...any) error }) (w Workflow, draft string, err error) {
	var active int
	var created, updated, savedAt int64
	var savedBy sql.NullInt64
	var savedByName string
	if err := row.Scan(&w.ID, &w.WorkspaceID, &w.Name, &w.Description, &draft, &w.PublishedVersion, &active, &w.WebhookSecret,
		&created, &updated, &w.DraftRevision, &savedAt, &savedBy, &savedByName); err != nil {
		return w, "", err
	}
	w.Active, w.CreatedAt, w.UpdatedAt = active == 1, db.Time(created), db.Time(updated)
	if savedAt > 0 {
		at := db.Time(savedAt)
		w.DraftSavedAt = &at
	}
	w.DraftSavedBy = publisherOf(savedBy, savedByName)
	return w, draft, nil
}

func (s *Service) scan(ctx context.Context, row interface{ Scan(...any) error }) (Workflow, error) {
	w, draft, err := scanRow(row)
	if err != nil {
		return w, err
	}
	if draft != "" {
		d, err := ParseDefinition([]byte(draft))
		if err != nil {
			return w, err
		}
		w.Draft = &d
	}
	if w.PublishedVersion > 0 {
		d, err := s.version(ctx, s.db.Reader(), w.ID, w.PublishedVersion)
		if err != nil {
			return w, err
		}
		w.Published = d
	}
	w.TriggerType, w.Status = summarize(w)
	return w, nil
}

// Get returns a workflow of the workspace.
func (s *Service) Get(ctx context.Context, workspaceID, id int64) (Workflow, error) {
	w, err := s.scan(ctx, s.db.Reader().QueryRow(ctx, `SELECT `+wfColumns+` FROM workflows WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	return w, notFound(err, "workflow")
}

// List returns a page of the workspace's workflows by id.
func (s *Service) List(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Workflow], error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT `+wfColumns+` FROM workflows WHERE workspace_id = ? AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Workflow]{}, fmt.Errorf("workflow: list: %w", err)
	}
	defer rows.Close()
	out := []Workflow{}
	for rows.Next() {
		w, err := s.scan(ctx, rows)
		if err != nil {
			return page.Page[Workflow]{}, fmt.Errorf("workflow: list: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return page.Page[Workflow]{}, fmt.Errorf("workflow: list: %w", err)
	}
	rows.Close()
	if err := s.addStats(ctx, workspaceID, out); err != nil {
		return page.Page[Workflow]{}, err
	}
	return page.Cut(out, req.Limit, func(w Workflow) page.Cursor { return page.Cursor{Order: page.OrderID, ID: w.ID} }), nil
}

// Create saves a new workflow whose definition is its first draft. It
// answers an invalid apperr.Error whose Details name every problem of an invalid one.
func (s *Service) Create(ctx context.Context, workspaceID int64, d Definition) (Workflow, error) {
	warnings, err := Validate(&d)
	if err != nil {
		return Workflow{}, err
	}
	body, _ := json.Marshal(d)
	now := s.db.Now()
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO workflows (workspace_id, name, description, draft, webhook_secret, created_at, updated_at, draft_saved_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, workspaceID, d.Name, d.Description, string(body), newSecret(), now, now, now).Scan(&id); err != nil {
			return err
		}
		return syncMediaTx(ctx, tx, workspaceID, id, body)
	})
	if err != nil {
		return Workflow{}, fmt.Errorf("workflow: create: %w", err)
	}
	w, err := s.Get(ctx, workspaceID, id)
	w.Warnings = warnings
	return w, err
}

// SaveDraft replaces the workflow's draft. Runs are unaffected: they run
// on published versions, and this one is not published until Publish.
// A save based on a revision the draft has left (e.IfRevision) is a
// draft_changed conflict and changes nothing.
func (s *Service) SaveDraft(ctx context.Context, workspaceID, id int64, d Definition, e Edit) (Workflow, error) {
	warnings, err := Validate(&d)
	if err != nil {
		return Workflow{}, err
	}
	body, _ := json.Marshal(d)
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		state, err := loadDraftState(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if err := state.check(id, e); err != nil {
			return err
		}
		by, name, err := editor(ctx, tx, workspaceID, e)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE workflows SET draft = ?, name = ?, description = ?, updated_at = ?,
			draft_revision = draft_revision + 1, draft_saved_at = ?, draft_saved_by = ?, draft_saved_by_name = ?
			WHERE workspace_id = ? AND id = ?`,
			string(body), d.Name, d.Description, tx.Now(), tx.Now(), by, name, workspaceID, id)
		if err != nil {
			return fmt.Errorf("workflow: save draft: %w", err)
		}
		return syncMediaTx(ctx, tx, workspaceID, id, body)
	})
	if err != nil {
		return Workflow{}, err
	}
	w, err := s.Get(ctx, workspaceID, id)
	w.Warnings = warnings
	return w, err
}

// Delete removes a workflow with its versions and runs, and the files
// only it named (see deleteTx).
func (s *Service) Delete(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error { return deleteTx(ctx, tx, workspaceID, id) })
}

// version returns a published version's definition, cached (see
// cachedVersion).
func (s *Service) version(ctx context.Context, q db.Querier, id int64, version int) (*Definition, error) {
	key := versionKey{id, version}
	if v, ok := s.versions.Load(key); ok && time.Since(v.(cachedVersion).at) < versionTTL {
		return v.(cachedVersion).d, nil
	}
	forgets := s.forgets.Load()
	var body string
	if err := q.QueryRow(ctx, `SELECT definition FROM workflow_versions WHERE workflow_id = ? AND version = ?`, id, version).Scan(&body); err != nil {
		return nil, fmt.Errorf("workflow: version %d of workflow %d: %w", version, id, err)
	}
	d, err := ParseDefinition([]byte(body))
	if err != nil {
		return nil, err
	}
	if s.forgets.Load() == forgets {
		s.versions.Store(key, cachedVersion{&d, time.Now()})
	}
	return &d, nil
}

func newSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// notFound turns sql.ErrNoRows into apperr's not found.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	if err != nil && apperr.KindOf(err) == "" {
		return fmt.Errorf("workflow: get %s: %w", what, err)
	}
	return err
}
