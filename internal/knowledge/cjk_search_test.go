package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// TestSearchChineseAndJapanese: articles written without spaces are found
// by a question that names any part of them, on both stores, and ranked
// by the pairs of characters they share with it; and passages indexed
// before pairs existed (whole runs, terms_version 0) are found once
// UpgradeTerms has written them again, which leaves other passages alone.
func TestSearchChineseAndJapanese(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := knowledge.New(d, knowledge.Options{})
		ws := workspace(t, d)
		refund := article(t, s, ws, "退款政策", "收到商品后七天内可以申请退款。退款将在三个工作日内退回原支付方式。")
		ship := article(t, s, ws, "配送について", "ご注文の商品は通常3日以内に発送します。配送状況はマイページで確認できます。")
		english := article(t, s, ws, "Shipping times", "Standard delivery takes 2 to 4 working days.")

		for _, c := range []struct {
			q    string
			want int64
		}{
			{"怎么申请退款？", refund.ID},
			{"退款多久到账", refund.ID},
			{"配送状況を確認したい", ship.ID},
			{"発送はいつですか", ship.ID},
			{"delivery days", english.ID},
		} {
			hits, err := s.Search(ctx, ws, c.q, knowledge.SearchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].ArticleID != c.want {
				t.Errorf("%q: hits %+v, want article %d first", c.q, hits, c.want)
			}
		}

		// The index as the version before wrote it: each run one term.
		old := func(s string) string {
			ws := strings.FieldsFunc(knowledge.Fold(s), func(r rune) bool { return !('a' <= r && r <= 'z') && !('0' <= r && r <= '9') && r < 0x3000 })
			return strings.Join(ws, " ")
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			rows, err := tx.Query(ctx, `SELECT c.id, a.title, c.heading, c.text FROM knowledge_chunks c JOIN knowledge_articles a ON a.id = c.article_id`)
			if err != nil {
				return err
			}
			type chunk struct {
				id                   int64
				title, heading, text string
			}
			var all []chunk
			for rows.Next() {
				var c chunk
				if err := rows.Scan(&c.id, &c.title, &c.heading, &c.text); err != nil {
					return err
				}
				all = append(all, c)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			for _, c := range all {
				q := `UPDATE knowledge_fts SET title = ?, body = ? WHERE rowid = ?`
				if tx.Dialect() == db.Postgres {
					q = `UPDATE knowledge_chunks SET tsv = to_tsvector('simple', ?) || to_tsvector('simple', ?) WHERE id = ?`
				}
				if _, err := tx.Exec(ctx, q, old(c.title+" "+c.heading), old(c.text), c.id); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, `UPDATE knowledge_chunks SET terms_version = 0`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// (A run's start was found as a prefix: the words asked for are inside runs.)
		if hits, _ := s.Search(ctx, ws, "七天内 確認", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Fatalf("the old index found %+v: the test does not stand for it", hits)
		}
		n, err := s.UpgradeTerms(ctx)
		if err != nil || n != 3 {
			t.Fatalf("UpgradeTerms: %d passages, %v; want 3", n, err)
		}
		for q, want := range map[string]int64{"七天内": refund.ID, "確認": ship.ID, "delivery": english.ID} {
			if hits, _ := s.Search(ctx, ws, q, knowledge.SearchOptions{}); len(hits) == 0 || hits[0].ArticleID != want {
				t.Errorf("after the upgrade %q: %+v, want article %d", q, hits, want)
			}
		}
		if n, err := s.UpgradeTerms(ctx); err != nil || n != 0 {
			t.Errorf("a second UpgradeTerms read %d passages (%v), want none", n, err)
		}
	})
}
