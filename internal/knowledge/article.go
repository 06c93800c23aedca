package knowledge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Article is a document of the knowledge base: written in the app, or
// taken from a source (SourceID set: a file or a web page, read-only here).
type Article struct {
	ID        int64     `json:"id"`
	SourceID  *int64    `json:"source_id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Language  string    `json:"language"`
	Published bool      `json:"published"`
	URL       string    `json:"url"`
	Chunks    int       `json:"chunks"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ArticleInput creates an article (title and body required) or changes one
// (the fields given).
type ArticleInput struct {
	Title     *string `json:"title"`
	Body      *string `json:"body"`
	Language  *string `json:"language"`
	Published *bool   `json:"published"`
}

func (in ArticleInput) apply(a *Article) error {
	if in.Title != nil {
		a.Title = strings.TrimSpace(*in.Title)
	}
	if in.Body != nil {
		a.Body = strings.TrimSpace(*in.Body)
	}
	if in.Language != nil {
		a.Language = strings.ToLower(strings.TrimSpace(*in.Language))
	}
	if in.Published != nil {
		a.Published = *in.Published
	}
	if a.Title == "" {
		return apperr.Invalid("title", "is required")
	}
	if err := limit.Text("title", a.Title, MaxTitleLen); err != nil {
		return err
	}
	if a.Body == "" {
		return apperr.Invalid("body", "is required")
	}
	if err := limit.Text("body", a.Body, MaxBodyLen); err != nil {
		return err
	}
	if a.Language != "" && (len(a.Language) > 8 || !isAlpha(strings.ReplaceAll(a.Language, "-", ""))) {
		return apperr.Invalid("language", "must be a language code such as en or fr")
	}
	return nil
}

// CreateArticle adds an article written in the app and indexes it.
func (s *Service) CreateArticle(ctx context.Context, workspaceID int64, in ArticleInput) (Article, error) {
	a := Article{Published: true}
	if err := in.apply(&a); err != nil {
		return Article{}, err
	}
	return s.saveArticle(ctx, workspaceID, a)
}

// saveArticle inserts a (ID 0) or replaces it, and indexes its passages:
// the embeddings (when a model is configured) are computed before the
// write, so the article and its index change in one transaction.
func (s *Service) saveArticle(ctx context.Context, workspaceID int64, a Article) (Article, error) {
	chunks, vecs, model, err := s.prepare(ctx, workspaceID, a)
	if err != nil {
		return Article{}, err
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error { return writeArticle(ctx, tx, workspaceID, &a, chunks, vecs, model) })
	if err != nil && apperr.KindOf(err) == "" {
		return Article{}, fmt.Errorf("knowledge: save article: %w", err)
	}
	return a, err
}

// writeArticle inserts a (ID 0) or updates it, and replaces its passages.
func writeArticle(ctx context.Context, tx *db.Tx, workspaceID int64, a *Article, chunks []Chunk, vecs [][]float32, model string) error {
	now := tx.Now()
	a.UpdatedAt = db.Time(now)
	if a.ID == 0 {
		a.CreatedAt = db.Time(now)
		if err := tx.QueryRow(ctx, `INSERT INTO knowledge_articles (workspace_id, source_id, title, body, language, published, url, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, a.SourceID, a.Title, a.Body, a.Language, a.Published, a.URL, now, now).Scan(&a.ID); err != nil {
			return err
		}
	} else {
		res, err := tx.Exec(ctx, `UPDATE knowledge_articles SET title = ?, body = ?, language = ?, published = ?, url = ?, updated_at = ?
			WHERE workspace_id = ? AND id = ?`, a.Title, a.Body, a.Language, a.Published, a.URL, now, workspaceID, a.ID)
		if err != nil {
			return err
		}
		if err := db.Affected(res, "article"); err != nil {
			return err
		}
	}
	a.Chunks = len(chunks)
	return index(ctx, tx, workspaceID, *a, chunks, vecs, model)
}

// errArticleChanged says the title or body changed while an update cut
// and embedded its passages from the ones before.
var errArticleChanged = errors.New("knowledge: the article changed meanwhile")

// UpdateArticle changes the fields given of an article written in the app.
// Its passages are cut and embedded before the transaction (a model call
// takes seconds), so the fields given are applied again, in the
// transaction, to the article as it is then: a change written meanwhile
// (another field) is kept, and passages cut from a title or body that
// changed meanwhile are cut again.
func (s *Service) UpdateArticle(ctx context.Context, workspaceID, id int64, in ArticleInput) (Article, error) {
	for try := 0; ; try++ {
		a, err := s.Article(ctx, workspaceID, id)
		if err != nil {
			return Article{}, err
		}
		if a.SourceID != nil {
			return Article{}, apperr.Conflict("this article comes from a source; sync the source to change it")
		}
		if err := in.apply(&a); err != nil {
			return Article{}, err
		}
		chunks, vecs, model, err := s.prepare(ctx, workspaceID, a)
		if err != nil {
			return Article{}, err
		}
		err = s.db.Write(ctx, func(tx *db.Tx) error {
			cur, err := article(ctx, tx, workspaceID, id)
			if err != nil {
				return err
			}
			if err := in.apply(&cur); err != nil {
				return err
			}
			if cur.Title != a.Title || cur.Body != a.Body {
				return errArticleChanged
			}
			a = cur
			return writeArticle(ctx, tx, workspaceID, &a, chunks, vecs, model)
		})
		switch {
		case errors.Is(err, errArticleChanged) && try < 3:
			continue
		case errors.Is(err, errArticleChanged):
			return Article{}, apperr.Conflict("the article keeps changing; try again")
		case err != nil && apperr.KindOf(err) == "":
			return Article{}, fmt.Errorf("knowledge: save article: %w", err)
		}
		return a, err
	}
}

// Article returns one article of the workspace.
func (s *Service) Article(ctx context.Context, workspaceID, id int64) (Article, error) {
	return article(ctx, s.db.Reader(), workspaceID, id)
}

func article(ctx context.Context, q db.Querier, workspaceID, id int64) (Article, error) {
	rows, err := q.Query(ctx, articleSelect+` WHERE a.workspace_id = ? AND a.id = ?`, workspaceID, id)
	if err != nil {
		return Article{}, fmt.Errorf("knowledge: article: %w", err)
	}
	list, err := db.Collect(rows, scanArticle)
	if err != nil {
		return Article{}, fmt.Errorf("knowledge: article: %w", err)
	}
	if len(list) == 0 {
		return Article{}, apperr.NotFound("article")
	}
	return list[0], nil
}

const articleSelect = `SELECT a.id, a.source_id, a.title, a.body, a.language, a.published, a.url, a.created_at, a.updated_at,
	(SELECT COUNT(*) FROM knowledge_chunks c WHERE c.article_id = a.id) FROM knowledge_articles a`

func scanArticle(rows *sql.Rows) (Article, error) {
	var a Article
	var src sql.NullInt64
	var created, updated int64
	err := rows.Scan(&a.ID, &src, &a.Title, &a.Body, &a.Language, &a.Published, &a.URL, &created, &updated, &a.Chunks)
	if src.Valid {
		a.SourceID = &src.Int64
	}
	a.CreatedAt, a.UpdatedAt = db.Time(created), db.Time(updated)
	return a, err
}

// ArticleFilter narrows the article list.
type ArticleFilter struct {
	// SourceID keeps a source's documents; 0 keeps the articles written in
	// the app; -1 keeps all.
	SourceID int64
}

// Articles returns a page of the workspace's articles, newest first.
func (s *Service) Articles(ctx context.Context, workspaceID int64, f ArticleFilter, req page.Request) (page.Page[Article], error) {
	after, args := req.ByID("a.id", true)
	cond := "1=1"
	switch {
	case f.SourceID == 0:
		cond = "a.source_id IS NULL"
	case f.SourceID > 0:
		cond = "a.source_id = ?"
		args = append([]any{f.SourceID}, args...)
	}
	rows, err := s.db.Reader().Query(ctx, articleSelect+` WHERE a.workspace_id = ? AND `+cond+` AND `+after+` ORDER BY a.id DESC LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Article]{}, fmt.Errorf("knowledge: articles: %w", err)
	}
	list, err := db.Collect(rows, scanArticle)
	if err != nil {
		return page.Page[Article]{}, fmt.Errorf("knowledge: articles: %w", err)
	}
	return page.CutByID(list, req.Limit, func(a Article) int64 { return a.ID }), nil
}

// DeleteArticle removes an article written in the app and its passages.
func (s *Service) DeleteArticle(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var src sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT source_id FROM knowledge_articles WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&src)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("article")
		}
		if err != nil {
			return fmt.Errorf("knowledge: delete article: %w", err)
		}
		if src.Valid {
			return apperr.Conflict("this article comes from a source; delete the source instead")
		}
		return deleteArticles(ctx, tx, `id = ?`, id)
	})
}

// deleteArticles removes the articles matching cond (and their index).
func deleteArticles(ctx context.Context, tx *db.Tx, cond string, arg any) error {
	if tx.Dialect() == db.SQLite {
		if _, err := tx.Exec(ctx, `DELETE FROM knowledge_fts WHERE rowid IN (SELECT c.id FROM knowledge_chunks c
			JOIN knowledge_articles a ON a.id = c.article_id WHERE a.`+cond+`)`, arg); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM knowledge_chunks WHERE article_id IN (SELECT id FROM knowledge_articles WHERE `+cond+`)`, arg); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM knowledge_articles WHERE `+cond, arg)
	return err
}
