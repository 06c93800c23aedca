package knowledge_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// The evaluation set of issue 15 lives in internal/ai/testdata: a help
// centre of a fictional outdoor shop (kb/*.md, English and French) and 200
// questions with the article that answers each (questions.tsv). Odd lines
// are the development half, the only one looked at while choosing the
// ranking; even lines are held out and theirs are the numbers reported.
const evalDir = "../ai/testdata"

// EnvUpdateBenchmarks makes TestRetrievalEvaluation write its section of
// docs/benchmarks.md.
const EnvUpdateBenchmarks = "SWITCHBOARD_UPDATE_BENCHMARKS"

type evalQuestion struct {
	article, text string
	heldOut       bool
}

func loadEval(t *testing.T) (map[string]string, []evalQuestion) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(evalDir, "kb", "*.md"))
	if err != nil || len(files) < 40 {
		t.Fatalf("knowledge base: %d articles, %v", len(files), err)
	}
	articles := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		articles[strings.TrimSuffix(filepath.Base(f), ".md")] = string(b)
	}
	f, err := os.Open(filepath.Join(evalDir, "questions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []evalQuestion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, text, ok := strings.Cut(line, "\t")
		if !ok || articles[id] == "" {
			t.Fatalf("questions.tsv: bad line %q", line)
		}
		qs = append(qs, evalQuestion{article: id, text: text, heldOut: len(qs)%2 == 1})
	}
	if len(qs) < 200 {
		t.Fatalf("%d questions, want 200", len(qs))
	}
	return articles, qs
}

// loadArticles writes the knowledge base into a workspace and returns the
// article ids by file name.
func loadArticles(t *testing.T, s *knowledge.Service, ws int64, articles map[string]string) map[int64]string {
	t.Helper()
	names := map[int64]string{}
	for name, text := range articles {
		title, body, _ := strings.Cut(text, "\n")
		title = strings.TrimPrefix(title, "# ")
		lang := name[:2]
		a, err := s.CreateArticle(context.Background(), ws, knowledge.ArticleInput{Title: &title, Body: &body, Language: &lang})
		if err != nil {
			t.Fatalf("article %s: %v", name, err)
		}
		names[a.ID] = name
	}
	return names
}

type evalScore struct {
	n, hit1, hit3                 int
	answers, answersRight, unsure int
	elapsed                       time.Duration
}

func (e evalScore) rate(k int) float64 { return float64(k) / float64(max(e.n, 1)) }

func evaluate(t *testing.T, s *knowledge.Service, ws int64, names map[int64]string, qs []evalQuestion, heldOut bool, opts knowledge.SearchOptions, verbose bool) evalScore {
	t.Helper()
	var e evalScore
	opts.Limit = 3
	start := time.Now()
	for _, q := range qs {
		if q.heldOut != heldOut {
			continue
		}
		hits, err := s.Search(context.Background(), ws, q.text, opts)
		if err != nil {
			t.Fatalf("search %q: %v", q.text, err)
		}
		e.n++
		for i, h := range hits {
			if names[h.ArticleID] == q.article {
				if i == 0 {
					e.hit1++
				}
				e.hit3++
				break
			}
		}
		c := knowledge.Assess(hits)
		switch c.Mode {
		case knowledge.ModeAnswer:
			e.answers++
			if names[hits[0].ArticleID] == q.article {
				e.answersRight++
			}
		case knowledge.ModeClarify:
			e.unsure++
		}
		if verbose && (len(hits) == 0 || names[hits[0].ArticleID] != q.article) {
			got := []string{}
			for _, h := range hits {
				got = append(got, fmt.Sprintf("%s(%.2f/%.2f)", names[h.ArticleID], h.Score, h.Match))
			}
			t.Logf("miss: %q want %s got %v (%s)", q.text, q.article, got, c.Mode)
		}
	}
	e.elapsed = time.Since(start)
	return e
}

// TestRetrievalEvaluation computes hit@1 and hit@3 of the evaluation set
// on each store, fails below hit@3 0.85 on the held-out half, and with
// SWITCHBOARD_UPDATE_BENCHMARKS=1 writes the "## Knowledge retrieval"
// section of docs/benchmarks.md.
func TestRetrievalEvaluation(t *testing.T) {
	if raceEnabled {
		// A measure of ranking, one goroutine: `make test-go` runs it
		// without the detector, which made it ten times slower.
		t.Skip("run without -race")
	}
	articles, qs := loadEval(t)
	var rows []string
	verbose := os.Getenv("KNOWLEDGE_EVAL_VERBOSE") != "" // prints the development half's misses
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ws := workspace(t, d)
		s := knowledge.New(d, knowledge.Options{})
		names := loadArticles(t, s, ws, articles)
		for _, mode := range []struct {
			name string
			opts knowledge.SearchOptions
		}{
			{"BM25", knowledge.SearchOptions{}},
			{"hybrid (hashing embedder)", knowledge.SearchOptions{Embedder: knowledge.HashEmbedder{Dims: 512}}},
		} {
			if mode.opts.Embedder != nil {
				// embed the passages with the same model as the questions
				es := knowledge.New(d, knowledge.Options{Embedders: func(context.Context, int64) (knowledge.Embedder, error) { return mode.opts.Embedder, nil }})
				if err := es.Reindex(context.Background(), ws); err != nil {
					t.Fatal(err)
				}
			}
			dev := evaluate(t, s, ws, names, qs, false, mode.opts, verbose && mode.opts.Embedder == nil)
			held := evaluate(t, s, ws, names, qs, true, mode.opts, false)
			t.Logf("%s %s: development hit@1 %.2f hit@3 %.2f, answers %d (%d right), clarify %d; held out hit@1 %.2f hit@3 %.2f, answers %d (%d right), clarify %d",
				d.Dialect, mode.name, dev.rate(dev.hit1), dev.rate(dev.hit3), dev.answers, dev.answersRight, dev.unsure,
				held.rate(held.hit1), held.rate(held.hit3), held.answers, held.answersRight, held.unsure)
			if mode.opts.Embedder == nil && held.rate(held.hit3) < 0.85 {
				t.Errorf("%s: held-out hit@3 %.2f, want ≥ 0.85", d.Dialect, held.rate(held.hit3))
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %d of %d (%d right) | %d | %.1f ms |",
				d.Dialect, mode.name, held.n, held.rate(held.hit1), held.rate(held.hit3), dev.rate(dev.hit1), dev.rate(dev.hit3),
				held.answers, held.n, held.answersRight, held.unsure, float64(held.elapsed.Microseconds())/1000/float64(max(held.n, 1))))
		}
	})
	if os.Getenv(EnvUpdateBenchmarks) == "" || t.Failed() {
		return
	}
	m := harness.DescribeMachine()
	section := fmt.Sprintf(`## Knowledge retrieval

Written by `+"`SWITCHBOARD_UPDATE_BENCHMARKS=1 go test ./internal/knowledge -run TestRetrievalEvaluation`"+` (add
`+"`scripts/with-postgres.sh`"+` in front for the PostgreSQL rows).

- Date: %s; Go %s; %d articles, %d questions
- Set: `+"`internal/ai/testdata`"+` — the help centre of a fictional outdoor shop, %d articles in English and French
  (shipping, returns, refunds, billing, accounts, warranty, product care, loyalty…) and 200 questions, some in French
  and some with typos, each with the article that answers it. Odd lines of questions.tsv are the development half
  (used to choose the stemmer, stop words, title weight and the thresholds of `+"`knowledge.Assess`"+`); even lines are
  held out, and the hit rates below are theirs (the development half's beside them).
- hit@k: the answering article is among the first k distinct articles returned. *answers*: questions retrieval
  mode would answer (Assess says answer), and how many of those with the right article; *clarify*: questions it would
  answer with a clarifying question. Aim: hit@3 ≥ 0.85 held out (the test fails below).
- Hybrid rows use the hashing bag-of-words embedder of the tests (no model): they check the fusion, not what a real
  embeddings model would add. Assess's margin threshold was chosen on BM25 scores; fused (reciprocal rank) scores sit
  close together, so the hybrid rows ask to clarify far more often.

| store | ranking | held-out questions | hit@1 | hit@3 | dev hit@1 | dev hit@3 | answers | clarify | per question |
|---|---|---:|---:|---:|---:|---:|---|---:|---:|
%s
`, m.Date, m.Go, len(articles), len(qs), len(articles), strings.Join(rows, "\n"))
	if err := harness.WriteSection("../../docs/benchmarks.md", "## Knowledge retrieval", section); err != nil {
		t.Fatal(err)
	}
}
