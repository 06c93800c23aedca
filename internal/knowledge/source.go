package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Source kinds.
const (
	KindFile    = "file"
	KindURL     = "url"
	KindSitemap = "sitemap"
)

// Source statuses.
const (
	StatusReady   = "ready"
	StatusSyncing = "syncing"
	StatusError   = "error"
)

// Source is where documents come from besides the articles written in the
// app: an uploaded file, a web page, or the pages of a sitemap.
type Source struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	Status    string     `json:"status"`
	Error     string     `json:"error"`
	Documents int        `json:"documents"`
	SyncedAt  *time.Time `json:"synced_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// prepared is a document cut and embedded, ready to write.
type prepared struct {
	a      Article
	chunks []Chunk
	vecs   [][]float32
	model  string
}

// UploadFile adds a file source: its text (see Extract) becomes one
// article.
func (s *Service) UploadFile(ctx context.Context, workspaceID int64, name string, data []byte) (Source, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "file"
	}
	name = limit.Clip(name, MaxTitleLen)
	if len(data) > MaxFileBytes {
		return Source{}, apperr.TooLarge(fmt.Sprintf("a knowledge file may be at most %d MB", MaxFileBytes>>20))
	}
	doc, err := Extract(name, data)
	if err != nil {
		return Source{}, err
	}
	p, err := s.prepareDoc(ctx, workspaceID, doc, "")
	if err != nil {
		return Source{}, err
	}
	var src Source
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO knowledge_sources (workspace_id, kind, name, status, documents, synced_at, created_at, updated_at)
			VALUES (?, 'file', ?, 'ready', 1, ?, ?, ?) RETURNING id`, workspaceID, name, now, now, now).Scan(&src.ID); err != nil {
			return err
		}
		p.a.SourceID = &src.ID
		return writeArticle(ctx, tx, workspaceID, &p.a, p.chunks, p.vecs, p.model)
	})
	if err != nil {
		return Source{}, fmt.Errorf("knowledge: upload: %w", err)
	}
	return s.Source(ctx, workspaceID, src.ID)
}

func (s *Service) prepareDoc(ctx context.Context, workspaceID int64, doc Document, pageURL string) (prepared, error) {
	a := Article{Title: limit.Clip(strings.TrimSpace(doc.Title), MaxTitleLen), Body: limit.Clip(doc.Body, MaxBodyLen), Published: true, URL: pageURL}
	if a.Title == "" {
		a.Title = "Untitled"
	}
	if strings.TrimSpace(a.Body) == "" {
		return prepared{}, apperr.Invalid("file", "has no text")
	}
	chunks, vecs, model, err := s.prepare(ctx, workspaceID, a)
	return prepared{a: a, chunks: chunks, vecs: vecs, model: model}, err
}

// SourceInput adds a web source: a page (kind url) or a sitemap's pages.
type SourceInput struct {
	Kind string `json:"kind"`
	URL  string `json:"url"`
	Name string `json:"name"`
}

// AddSource adds a url or sitemap source, not yet synced (call Sync).
func (s *Service) AddSource(ctx context.Context, workspaceID int64, in SourceInput) (Source, error) {
	if in.Kind != KindURL && in.Kind != KindSitemap {
		return Source{}, apperr.Invalid("kind", "must be url or sitemap")
	}
	if s.opts.HTTP == nil {
		return Source{}, apperr.Conflict("fetching web pages is not configured on this server")
	}
	in.URL = strings.TrimSpace(in.URL)
	if err := limit.Text("url", in.URL, 2000); err != nil {
		return Source{}, err
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return Source{}, apperr.Invalid("url", "must be an http or https URL")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = u.Host + u.Path
	}
	if err := limit.Text("name", name, MaxTitleLen); err != nil {
		return Source{}, err
	}
	var id int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		return tx.QueryRow(ctx, `INSERT INTO knowledge_sources (workspace_id, kind, name, url, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'ready', ?, ?) RETURNING id`, workspaceID, in.Kind, name, u.String(), now, now).Scan(&id)
	})
	if err != nil {
		return Source{}, fmt.Errorf("knowledge: add source: %w", err)
	}
	return s.Source(ctx, workspaceID, id)
}

// Sync fetches a url or sitemap source again (through the guarded client,
// as robots.txt allows) and replaces its documents; a page that fails is
// skipped, a sync where every page fails leaves the documents as they were
// and records the error. The source is returned with its new status.
func (s *Service) Sync(ctx context.Context, workspaceID, id int64) (Source, error) {
	src, err := s.Source(ctx, workspaceID, id)
	if err != nil {
		return Source{}, err
	}
	if src.Kind == KindFile {
		return Source{}, apperr.Conflict("a file source is synced by uploading it again")
	}
	if s.opts.HTTP == nil {
		return Source{}, apperr.Conflict("fetching web pages is not configured on this server")
	}
	if err := s.setStatus(ctx, workspaceID, id, StatusSyncing, ""); err != nil {
		return Source{}, err
	}
	docs, syncErr := s.fetchSource(ctx, workspaceID, src)
	if syncErr == nil {
		syncErr = s.db.Write(ctx, func(tx *db.Tx) error {
			if err := deleteArticles(ctx, tx, "source_id = ?", id); err != nil {
				return err
			}
			for i := range docs {
				docs[i].a.SourceID = &id
				if err := writeArticle(ctx, tx, workspaceID, &docs[i].a, docs[i].chunks, docs[i].vecs, docs[i].model); err != nil {
					return err
				}
			}
			now := tx.Now()
			_, err := tx.Exec(ctx, `UPDATE knowledge_sources SET status = 'ready', error = '', documents = ?, synced_at = ?, updated_at = ?
				WHERE workspace_id = ? AND id = ?`, len(docs), now, now, workspaceID, id)
			return err
		})
	}
	if syncErr != nil {
		slog.Info("knowledge: sync failed", "workspace", workspaceID, "source", id, "err", syncErr)
		if err := s.setStatus(context.WithoutCancel(ctx), workspaceID, id, StatusError, limit.Clip(syncErr.Error(), 500)); err != nil {
			return Source{}, err
		}
	}
	return s.Source(ctx, workspaceID, id)
}

func (s *Service) fetchSource(ctx context.Context, workspaceID int64, src Source) ([]prepared, error) {
	f := &fetcher{client: s.opts.HTTP, agent: s.opts.UserAgent, robots: map[string]Robots{}}
	urls := []string{src.URL}
	if src.Kind == KindSitemap {
		var err error
		if urls, err = f.sitemap(ctx, src.URL); err != nil {
			return nil, err
		}
		if len(urls) == 0 {
			return nil, errors.New("the sitemap lists no page on its host")
		}
	}
	// Pages are fetched a few at a time, and the whole sync is bounded:
	// it runs inside the request that asked for it.
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	results := make([]prepared, len(urls))
	errs := make([]error, len(urls))
	var wg sync.WaitGroup
	slots := make(chan struct{}, syncParallel)
	for i, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			doc, err := f.page(ctx, u)
			if err == nil {
				results[i], err = s.prepareDoc(ctx, workspaceID, doc, u)
			}
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", u, err)
			}
		}()
	}
	wg.Wait()
	var out []prepared
	var firstErr error
	for i := range urls {
		if errs[i] != nil {
			if firstErr == nil {
				firstErr = errs[i]
			}
			continue
		}
		out = append(out, results[i])
	}
	if len(out) == 0 {
		return nil, firstErr
	}
	return out, nil
}

// A sync fetches syncParallel pages at once and stops after syncTimeout
// (pages not fetched by then count as failed).
const (
	syncParallel = 4
	syncTimeout  = 90 * time.Second
)

func (s *Service) setStatus(ctx context.Context, workspaceID, id int64, status, msg string) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE knowledge_sources SET status = ?, error = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`,
			status, msg, tx.Now(), workspaceID, id)
		return err
	})
}

const sourceSelect = `SELECT id, kind, name, url, status, error, documents, synced_at, created_at, updated_at FROM knowledge_sources`

func scanSource(rows *sql.Rows) (Source, error) {
	var s Source
	var synced sql.NullInt64
	var created, updated int64
	err := rows.Scan(&s.ID, &s.Kind, &s.Name, &s.URL, &s.Status, &s.Error, &s.Documents, &synced, &created, &updated)
	if synced.Valid {
		t := db.Time(synced.Int64)
		s.SyncedAt = &t
	}
	s.CreatedAt, s.UpdatedAt = db.Time(created), db.Time(updated)
	return s, err
}

// Source returns one source of the workspace.
func (s *Service) Source(ctx context.Context, workspaceID, id int64) (Source, error) {
	rows, err := s.db.Reader().Query(ctx, sourceSelect+` WHERE workspace_id = ? AND id = ?`, workspaceID, id)
	if err != nil {
		return Source{}, fmt.Errorf("knowledge: source: %w", err)
	}
	list, err := db.Collect(rows, scanSource)
	if err != nil {
		return Source{}, fmt.Errorf("knowledge: source: %w", err)
	}
	if len(list) == 0 {
		return Source{}, apperr.NotFound("source")
	}
	return list[0], nil
}

// Sources lists the workspace's sources, newest first (a short list: at
// most a few hundred).
func (s *Service) Sources(ctx context.Context, workspaceID int64) ([]Source, error) {
	rows, err := s.db.Reader().Query(ctx, sourceSelect+` WHERE workspace_id = ? ORDER BY id DESC LIMIT 500`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("knowledge: sources: %w", err)
	}
	list, err := db.Collect(rows, scanSource)
	if err != nil {
		return nil, fmt.Errorf("knowledge: sources: %w", err)
	}
	return list, nil
}

// DeleteSource removes a source and its documents.
func (s *Service) DeleteSource(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM knowledge_sources WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("source")
		}
		if err != nil {
			return err
		}
		if err := deleteArticles(ctx, tx, "source_id = ?", id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM knowledge_sources WHERE workspace_id = ? AND id = ?`, workspaceID, id)
		return err
	})
}
