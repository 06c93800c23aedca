package knowledge

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// prepare cuts an article into passages and, when the workspace has an
// embeddings model, embeds them (before any write: a model call never runs
// inside a transaction). A model that fails does not stop the article:
// its passages are indexed for full-text search alone (Reindex embeds them
// later), and the failure is logged.
func (s *Service) prepare(ctx context.Context, workspaceID int64, a Article) ([]Chunk, [][]float32, string, error) {
	chunks := ChunkText(a.Body)
	e, err := s.embedder(ctx, workspaceID)
	if err != nil {
		slog.Warn("knowledge: no embeddings model", "workspace", workspaceID, "err", err)
		return chunks, nil, "", nil
	}
	if e == nil || len(chunks) == 0 {
		return chunks, nil, "", nil
	}
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = embedText(a.Title, c)
	}
	vecs, err := e.Embed(ctx, texts)
	if err == nil && len(vecs) != len(texts) {
		err = fmt.Errorf("%d vectors for %d passages", len(vecs), len(texts))
	}
	if err != nil {
		slog.Warn("knowledge: embedding failed; passages indexed for full-text search only", "workspace", workspaceID, "article", a.ID, "err", err)
		return chunks, nil, "", nil
	}
	return chunks, vecs, e.Model(), nil
}

func embedText(title string, c Chunk) string {
	return strings.TrimSpace(title + "\n" + c.Heading + "\n" + c.Text)
}

// index replaces the passages of article a with chunks (and their vectors
// from model, when given) in the full-text index of the store's dialect.
func index(ctx context.Context, tx *db.Tx, workspaceID int64, a Article, chunks []Chunk, vecs [][]float32, model string) error {
	sqlite := tx.Dialect() == db.SQLite
	if sqlite {
		if _, err := tx.Exec(ctx, `DELETE FROM knowledge_fts WHERE rowid IN (SELECT id FROM knowledge_chunks WHERE article_id = ?)`, a.ID); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM knowledge_chunks WHERE article_id = ?`, a.ID); err != nil {
		return err
	}
	for i, c := range chunks {
		title := strings.Join(Terms(a.Title+" "+c.Heading), " ")
		body := strings.Join(Terms(c.Text), " ")
		var vec []byte
		if vecs != nil {
			vec = encodeVector(vecs[i])
		}
		var id int64
		if sqlite {
			if err := tx.QueryRow(ctx, `INSERT INTO knowledge_chunks (workspace_id, article_id, position, heading, text, embedding_model, embedding, terms_version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, workspaceID, a.ID, i, c.Heading, c.Text, model, vec, termsVersion).Scan(&id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO knowledge_fts (rowid, title, body) VALUES (?, ?, ?)`, id, title, body); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO knowledge_chunks (workspace_id, article_id, position, heading, text, embedding_model, embedding, terms_version, tsv)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, `+pgTermsVector+`)`,
			workspaceID, a.ID, i, c.Heading, c.Text, model, vec, termsVersion, title, body); err != nil {
			return err
		}
	}
	return nil
}

// Reindex cuts, indexes and (when the workspace has an embeddings model)
// embeds every article of the workspace again: after the embeddings model
// changes, or the chunking or text processing did.
func (s *Service) Reindex(ctx context.Context, workspaceID int64) error {
	ids, err := db.QueryIDs(ctx, s.db.Reader(), `SELECT id FROM knowledge_articles WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return fmt.Errorf("knowledge: reindex: %w", err)
	}
	for _, id := range ids {
		a, err := s.Article(ctx, workspaceID, id)
		if err != nil {
			return err
		}
		chunks, vecs, model, err := s.prepare(ctx, workspaceID, a)
		if err != nil {
			return err
		}
		if err := s.db.Write(ctx, func(tx *db.Tx) error { return index(ctx, tx, workspaceID, a, chunks, vecs, model) }); err != nil {
			return fmt.Errorf("knowledge: reindex: %w", err)
		}
	}
	return nil
}
