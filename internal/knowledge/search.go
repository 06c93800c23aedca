package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Hit is a passage retrieved for a question.
type Hit struct {
	ArticleID int64  `json:"article_id"`
	ChunkID   int64  `json:"chunk_id"`
	Title     string `json:"title"`
	Heading   string `json:"heading"`
	Passage   string `json:"passage"`
	URL       string `json:"url"`
	// Language is the article's language code ("" when unknown).
	Language string `json:"language"`
	// Score ranks the hits: BM25 (higher is better), or the reciprocal rank
	// fusion of BM25 and cosine when the search was hybrid.
	Score float64 `json:"score"`
	// Match is the share (0–1) of the question's terms the passage holds:
	// comparable across questions, unlike Score.
	Match float64 `json:"match"`
	// Source is where the article comes from: article (written in the
	// app), file, url or sitemap; SourceID names the source.
	Source   string `json:"source"`
	SourceID *int64 `json:"source_id"`
}

// SearchOptions tune a search.
type SearchOptions struct {
	// Limit is the number of hits (default 5, at most 50).
	Limit int
	// PerArticle is the number of passages an article may bring (default 1:
	// the best one, so hits are distinct articles).
	PerArticle int
	// Embedder ranks hybrid (BM25 fused with cosine) when set; nil uses the
	// workspace's embeddings model if one is configured, else BM25 alone.
	Embedder Embedder
	// FullTextOnly ignores any embeddings model.
	FullTextOnly bool
	// SourceIDs, when not nil, keeps only the documents of these sources,
	// 0 standing for the articles written in the app: the knowledge an AI
	// agent may use. Empty and not nil keeps nothing.
	SourceIDs []int64
}

// sourceCond is the SQL condition (on alias a) and arguments of a source
// filter.
func sourceCond(ids []int64) (string, []any) {
	if ids == nil {
		return "", nil
	}
	if len(ids) == 0 {
		return " AND 1=0", nil
	}
	in, args := db.In(ids)
	return " AND COALESCE(a.source_id, 0) IN " + in, args
}

// BM25 parameters (the usual ones, and FTS5's) and the weight of a term in
// an article's title or a passage's heading against one in its text.
const (
	bm25K1      = 1.2
	bm25B       = 0.75
	titleWeight = 3.0
	candidates  = 60 // passages each ranking keeps before fusion
	rrfK        = 60
)

// Search returns the passages of the workspace's published articles that
// best answer query, best first.
func (s *Service) Search(ctx context.Context, workspaceID int64, query string, opts SearchOptions) ([]Hit, error) {
	if err := limit.Param("q", query, MaxQueryLen); err != nil {
		return nil, err
	}
	if opts.Limit <= 0 {
		opts.Limit = 5
	}
	if opts.Limit > 50 {
		return nil, apperr.Invalid("limit", "must be at most 50")
	}
	if opts.PerArticle <= 0 {
		opts.PerArticle = 1
	}
	terms := unique(Terms(query))
	if len(terms) == 0 {
		return []Hit{}, nil
	}
	q := s.db.Reader()
	terms, err := correct(ctx, q, workspaceID, terms)
	if err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	var ranked []scored
	f := filter{workspaceID: workspaceID}
	f.cond, f.args = sourceCond(opts.SourceIDs)
	if q.Dialect() == db.SQLite {
		ranked, err = searchFTS5(ctx, q, f, terms)
	} else {
		ranked, err = searchPostgres(ctx, q, f, terms)
	}
	if err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	e := opts.Embedder
	if e == nil && !opts.FullTextOnly {
		if e, err = s.embedder(ctx, workspaceID); err != nil {
			slog.Warn("knowledge: no embeddings model", "workspace", workspaceID, "err", err)
			e = nil
		}
	}
	if e != nil {
		// A model that fails leaves the full-text ranking: retrieval must
		// not depend on a remote model being up.
		if fused, err := hybrid(ctx, q, f, query, e, ranked); err != nil {
			slog.Warn("knowledge: hybrid ranking failed; full-text ranking only", "workspace", workspaceID, "err", err)
		} else {
			ranked = fused
		}
	}
	out := []Hit{}
	per := map[int64]int{}
	for _, r := range ranked {
		if per[r.ArticleID] >= opts.PerArticle {
			continue
		}
		per[r.ArticleID]++
		r.Match = coverage(terms, r.terms)
		out = append(out, r.Hit)
		if len(out) == opts.Limit {
			break
		}
	}
	return out, nil
}

// filter says which passages a search may return.
type filter struct {
	workspaceID int64
	cond        string // " AND …" on alias a, or ""
	args        []any
}

// args returns the workspace id, then the filter's arguments, then more.
func (f filter) with(more ...any) []any {
	return append(append([]any{f.workspaceID}, f.args...), more...)
}

// scored is a candidate passage with its index terms.
type scored struct {
	Hit
	terms []string // of the title, heading and text
	title []string // of the title and heading
	body  []string
}

const hitSelect = `SELECT c.id, c.article_id, a.title, c.heading, c.text, a.url, a.language, COALESCE(s.kind, 'article'), a.source_id`
const hitJoin = ` JOIN knowledge_articles a ON a.id = c.article_id LEFT JOIN knowledge_sources s ON s.id = a.source_id`

func scanHit(rows *sql.Rows, extra ...any) (scored, error) {
	var h scored
	var src sql.NullInt64
	err := rows.Scan(append([]any{&h.ChunkID, &h.ArticleID, &h.Title, &h.Heading, &h.Passage, &h.URL, &h.Language, &h.Source, &src}, extra...)...)
	if src.Valid {
		h.SourceID = &src.Int64
	}
	h.title = Terms(h.Title + " " + h.Heading)
	h.body = Terms(h.Passage)
	h.terms = append(append([]string{}, h.title...), h.body...)
	return h, err
}

// prefixed reports whether a query term is matched as a prefix of index
// terms (stems are short and light: "deliver" finds "delivery"). A
// Chinese or Japanese character alone (a run's last, in the query) is
// the start of the text's pair.
func prefixed(t string) bool { return len(t) >= 4 || HasCJK(t) }

// searchFTS5 finds candidates with SQLite's FTS5 index, then ranks them
// like searchPostgres. FTS5's own bm25() would be simpler, but its
// statistics (document count, frequencies, lengths) are those of the
// whole table, every workspace's passages together: one tenant's
// articles would change another's ranking and the confidence of its
// answers.
func searchFTS5(ctx context.Context, q db.Querier, f filter, terms []string) ([]scored, error) {
	match := func(terms []string) string {
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = `"` + t + `"`
			if prefixed(t) {
				parts[i] += "*"
			}
		}
		return strings.Join(parts, " OR ")
	}
	rows, err := q.Query(ctx, hitSelect+`
		FROM knowledge_fts f JOIN knowledge_chunks c ON c.id = f.rowid`+hitJoin+`
		WHERE knowledge_fts MATCH ? AND c.workspace_id = ? AND a.published`+f.cond+`
		ORDER BY bm25(knowledge_fts, `+fmt.Sprint(titleWeight)+`, 1.0), c.id LIMIT ?`,
		append([]any{match(terms)}, f.with(maxCandidates)...)...)
	if err != nil {
		return nil, err
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (scored, error) { return scanHit(rows) })
	if err != nil || len(list) == 0 {
		return list, err
	}
	return rankBM25(ctx, q, f.workspaceID, terms, list, func(t string) (string, []any) {
		return `SELECT COUNT(*) FROM knowledge_fts f JOIN knowledge_chunks c ON c.id = f.rowid JOIN knowledge_articles a ON a.id = c.article_id
			WHERE knowledge_fts MATCH ? AND c.workspace_id = ? AND a.published`, []any{match([]string{t}), f.workspaceID}
	})
}

// tsquery writes terms as a PostgreSQL OR query.
func tsquery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = "'" + t + "'"
		if prefixed(t) {
			parts[i] += ":*"
		}
	}
	return strings.Join(parts, " | ")
}

// searchPostgres finds candidates with the tsvector index and ranks them
// with rankBM25: ts_rank has no inverse document frequency.
func searchPostgres(ctx context.Context, q db.Querier, f filter, terms []string) ([]scored, error) {
	rows, err := q.Query(ctx, hitSelect+` FROM knowledge_chunks c`+hitJoin+`
		WHERE c.workspace_id = ? AND a.published`+f.cond+` AND c.tsv @@ to_tsquery('simple', ?)
		ORDER BY ts_rank(c.tsv, to_tsquery('simple', ?)) DESC, c.id LIMIT ?`,
		f.with(tsquery(terms), tsquery(terms), maxCandidates)...)
	if err != nil {
		return nil, err
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (scored, error) { return scanHit(rows) })
	if err != nil || len(list) == 0 {
		return list, err
	}
	return rankBM25(ctx, q, f.workspaceID, terms, list, func(t string) (string, []any) {
		return `SELECT COUNT(*) FROM knowledge_chunks c JOIN knowledge_articles a ON a.id = c.article_id
			WHERE c.workspace_id = ? AND a.published AND c.tsv @@ to_tsquery('simple', ?)`, []any{f.workspaceID, tsquery([]string{t})}
	})
}

// maxCandidates is how many passages the index hands to rankBM25.
const maxCandidates = 400

// rankBM25 scores the candidates with BM25 over the workspace's own
// statistics — its published passages, how many hold each term (dfQuery
// counts them with the store's index) and their average length — the
// same way on both stores, so they rank alike. A passage's length is in
// characters of its title, heading and text, which both stores can sum.
func rankBM25(ctx context.Context, q db.Querier, workspaceID int64, terms []string, list []scored, dfQuery func(term string) (string, []any)) ([]scored, error) {
	var n, totalLen float64
	if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(LENGTH(a.title) + LENGTH(c.heading) + LENGTH(c.text)), 0)
		FROM knowledge_chunks c JOIN knowledge_articles a ON a.id = c.article_id
		WHERE c.workspace_id = ? AND a.published`, workspaceID).Scan(&n, &totalLen); err != nil {
		return nil, err
	}
	idf := make([]float64, len(terms))
	for i, t := range terms {
		var df float64
		query, args := dfQuery(t)
		if err := q.QueryRow(ctx, query, args...).Scan(&df); err != nil {
			return nil, err
		}
		idf[i] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	avg := max(totalLen/max(n, 1), 1)
	for i := range list {
		h := &list[i]
		dl := float64(utf8.RuneCountInString(h.Title) + utf8.RuneCountInString(h.Heading) + utf8.RuneCountInString(h.Passage))
		for j, t := range terms {
			tf := titleWeight*float64(count(h.title, t)) + float64(count(h.body, t))
			if tf == 0 {
				continue
			}
			h.Score += idf[j] * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*dl/avg))
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Score != list[j].Score {
			return list[i].Score > list[j].Score
		}
		return list[i].ChunkID < list[j].ChunkID
	})
	return list[:min(len(list), candidates)], nil
}

// matches reports whether index term w answers query term t.
func matches(t, w string) bool {
	if prefixed(t) {
		return strings.HasPrefix(w, t)
	}
	return w == t
}

func count(ws []string, t string) int {
	n := 0
	for _, w := range ws {
		if matches(t, w) {
			n++
		}
	}
	return n
}

// coverage is the share of the query terms found in a passage's terms.
func coverage(terms, passage []string) float64 {
	found := 0
	for _, t := range terms {
		if count(passage, t) > 0 {
			found++
		}
	}
	return float64(found) / float64(len(terms))
}

// hybrid fuses the full-text ranking with the cosine ranking of the
// passages embedded by e's model (reciprocal rank fusion, k = 60).
func hybrid(ctx context.Context, q db.Querier, f filter, query string, e Embedder, ranked []scored) ([]scored, error) {
	vecs, err := e.Embed(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("embed: %d vectors for one question", len(vecs))
	}
	var blob []byte
	rows, err := q.Query(ctx, hitSelect+`, c.embedding FROM knowledge_chunks c`+hitJoin+`
		WHERE c.workspace_id = ? AND a.published`+f.cond+` AND c.embedding_model = ? AND c.embedding IS NOT NULL`, f.with(e.Model())...)
	if err != nil {
		return nil, err
	}
	byVec, err := db.Collect(rows, func(rows *sql.Rows) (scored, error) {
		h, err := scanHit(rows, &blob)
		h.Score = cosine(vecs[0], decodeVector(blob))
		return h, err
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(byVec, func(i, j int) bool { return byVec[i].Score > byVec[j].Score })
	byVec = byVec[:min(len(byVec), candidates)]

	fused := map[int64]*scored{}
	var order []int64
	for _, list := range [][]scored{ranked, byVec} {
		for rank, h := range list {
			f, ok := fused[h.ChunkID]
			if !ok {
				c := h
				c.Score = 0
				f = &c
				fused[h.ChunkID] = f
				order = append(order, h.ChunkID)
			}
			f.Score += 1 / float64(rrfK+rank+1)
		}
	}
	out := make([]scored, 0, len(order))
	for _, id := range order {
		out = append(out, *fused[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, nil
}

func unique(ts []string) []string {
	seen := map[string]bool{}
	out := ts[:0]
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
