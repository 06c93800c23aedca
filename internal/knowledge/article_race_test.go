package knowledge_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// Two changes of one article's different fields both land, even when one
// is written while the other cuts and embeds its passages (outside the
// transaction, since a model call takes seconds): a manager unpublishing
// a draft while another retitles it must not see it published again.
func TestConcurrentArticleChangesBothLand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var during func() // runs inside the next embedding, once
		s := knowledge.New(d, knowledge.Options{Embedders: func(context.Context, int64) (knowledge.Embedder, error) {
			if f := during; f != nil {
				during = nil
				f()
			}
			return nil, nil
		}})
		ws := workspace(t, d)
		a := article(t, s, ws, "Gift cards", "A gift card is valid for one year.")

		during = func() {
			if _, err := s.UpdateArticle(ctx, ws, a.ID, knowledge.ArticleInput{Published: ptr(false)}); err != nil {
				t.Error(err)
			}
		}
		if _, err := s.UpdateArticle(ctx, ws, a.ID, knowledge.ArticleInput{Title: ptr("Gift cards and vouchers")}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Article(ctx, ws, a.ID)
		if err != nil || got.Published || got.Title != "Gift cards and vouchers" {
			t.Fatalf("article = %+v %v; want the new title, unpublished", got, err)
		}
		if hits, _ := s.Search(ctx, ws, "gift card", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Fatalf("the unpublished article is searched: %+v", hits)
		}

		// A change of the body meanwhile: the passages are cut again from
		// the article as it is, with both changes.
		during = func() {
			if _, err := s.UpdateArticle(ctx, ws, a.ID, knowledge.ArticleInput{Body: ptr("A voucher is valid for two years.")}); err != nil {
				t.Error(err)
			}
		}
		if _, err := s.UpdateArticle(ctx, ws, a.ID, knowledge.ArticleInput{Published: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Article(ctx, ws, a.ID)
		hits, _ := s.Search(ctx, ws, "voucher two years", knowledge.SearchOptions{})
		if !got.Published || got.Body != "A voucher is valid for two years." || len(hits) != 1 || hits[0].Passage != got.Body {
			t.Fatalf("article = %+v, hits %+v", got, hits)
		}
	})
}
