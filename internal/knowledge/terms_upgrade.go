package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// termsVersion is the version of Terms the index is written with
// (knowledge_chunks.terms_version): 1 cuts Chinese and Japanese runs into
// pairs of characters, which version 0 kept whole.
const termsVersion = 1

// pgTermsVector is a passage's tsvector on PostgreSQL from its title's
// terms (weight A) and its body's (B), the two arguments that follow.
const pgTermsVector = `setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B')`

// upgradeBatch is how many passages one write of UpgradeTerms takes.
const upgradeBatch = 200

// UpgradeTerms writes again the index terms of the passages an older
// Terms indexed, a batch a write, and returns once none is left: after an
// upgrade, once (a restart midway goes on where it stopped; on several
// nodes each writes the same terms). A passage whose text holds no
// Chinese or Japanese had the same terms: only its version changes. It
// returns how many passages it read.
func (s *Service) UpgradeTerms(ctx context.Context) (int, error) {
	done := 0
	for {
		n, err := s.upgradeTermsBatch(ctx)
		done += n
		if err != nil || n < upgradeBatch {
			return done, err
		}
	}
}

type staleChunk struct {
	id                   int64
	title, heading, text string
}

func (s *Service) upgradeTermsBatch(ctx context.Context) (int, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT c.id, a.title, c.heading, c.text FROM knowledge_chunks c JOIN knowledge_articles a ON a.id = c.article_id
		WHERE c.terms_version < ? ORDER BY c.id LIMIT ?`, termsVersion, upgradeBatch)
	if err != nil {
		return 0, fmt.Errorf("knowledge: upgrade terms: %w", err)
	}
	stale, err := db.Collect(rows, func(rows *sql.Rows) (staleChunk, error) {
		var c staleChunk
		return c, rows.Scan(&c.id, &c.title, &c.heading, &c.text)
	})
	if err != nil || len(stale) == 0 {
		return 0, err
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		for _, c := range stale {
			if HasCJK(c.title + c.heading + c.text) {
				if err := writeTerms(ctx, tx, c); err != nil {
					return err
				}
			}
			// The version only: a passage deleted or written again since
			// (at termsVersion) is left as it is.
			if _, err := tx.Exec(ctx, `UPDATE knowledge_chunks SET terms_version = ? WHERE id = ? AND terms_version < ?`, termsVersion, c.id, termsVersion); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("knowledge: upgrade terms: %w", err)
	}
	return len(stale), nil
}

// writeTerms replaces a passage's index terms with today's Terms of its
// title, heading and text, unless it was written again meanwhile.
func writeTerms(ctx context.Context, tx *db.Tx, c staleChunk) error {
	title := strings.Join(Terms(c.title+" "+c.heading), " ")
	body := strings.Join(Terms(c.text), " ")
	if tx.Dialect() == db.Postgres {
		_, err := tx.Exec(ctx, `UPDATE knowledge_chunks SET tsv = `+pgTermsVector+` WHERE id = ? AND terms_version < ?`, title, body, c.id, termsVersion)
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE knowledge_fts SET title = ?, body = ? WHERE rowid = ?
		AND EXISTS (SELECT 1 FROM knowledge_chunks WHERE id = ? AND terms_version < ?)`, title, body, c.id, c.id, termsVersion)
	return err
}
