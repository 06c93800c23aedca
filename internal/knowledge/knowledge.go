// Package knowledge is a workspace's knowledge base: articles written in
// the app, uploaded files and fetched web pages, cut into passages and
// indexed for full-text search with BM25 (SQLite FTS5; PostgreSQL full-text
// search), with a hybrid ranking when an embeddings model is given. Search
// is what the AI agent, the classifier and the inbox help retrieve from;
// Assess says how confident a retrieval is.
package knowledge

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Limits of what the knowledge base stores, in characters or bytes.
const (
	MaxTitleLen    = 200
	MaxBodyLen     = 200_000
	MaxFileBytes   = 10 << 20 // an uploaded file
	MaxPageBytes   = 2 << 20  // a fetched page
	MaxSitemapURLs = 100      // pages synced from one sitemap
	MaxQueryLen    = 500
)

// Options configure the service.
type Options struct {
	// HTTP fetches web pages, sitemaps and robots.txt: the guarded client
	// (netguard). Nil: URL and sitemap sources cannot sync.
	HTTP *http.Client
	// Embedders returns the workspace's embeddings model, or nil when none
	// is configured; passages are then embedded as they are indexed and
	// searches rank hybrid. Nil: full-text search only.
	Embedders func(ctx context.Context, workspaceID int64) (Embedder, error)
	// UserAgent is sent with fetches and matched against robots.txt.
	UserAgent string
}

// Service reads, writes, indexes and searches knowledge.
type Service struct {
	db   *db.DB
	opts Options
}

// New returns the service over d.
func New(d *db.DB, opts Options) *Service {
	if opts.UserAgent == "" {
		opts.UserAgent = "Switchboard"
	}
	return &Service{db: d, opts: opts}
}

// embedder returns the workspace's embedder, or nil.
func (s *Service) embedder(ctx context.Context, workspaceID int64) (Embedder, error) {
	if s.opts.Embedders == nil {
		return nil, nil
	}
	return s.opts.Embedders(ctx, workspaceID)
}
