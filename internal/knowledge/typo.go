package knowledge

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// correct replaces each query term the index does not know by the closest
// term it knows (Damerau–Levenshtein distance 1, or 2 for terms of seven
// letters and more) that starts with the same letter; terms with no close
// neighbour are kept (they match nothing and lower the confidence).
func correct(ctx context.Context, q db.Querier, workspaceID int64, terms []string) ([]string, error) {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if len(t) < 4 || !isAlpha(t) {
			out = append(out, t)
			continue
		}
		vocab, err := vocabulary(ctx, q, workspaceID, t[:1])
		if err != nil {
			return nil, err
		}
		known := false
		for _, w := range vocab {
			if matches(t, w) {
				known = true
				break
			}
		}
		if known {
			out = append(out, t)
			continue
		}
		maxDist := 1
		if len(t) >= 7 {
			maxDist = 2
		}
		best, bestDist := "", maxDist+1
		for _, w := range vocab {
			if abs(len(w)-len(t)) > maxDist {
				continue
			}
			if d := distance(t, w); d < bestDist || d == bestDist && w < best {
				best, bestDist = w, d
			}
		}
		if best != "" {
			t = best
		}
		out = append(out, t)
	}
	return unique(out), nil
}

// vocabulary returns the index terms starting with prefix: the workspace's
// on PostgreSQL; on SQLite, the whole index's (FTS5 keeps one vocabulary),
// which at worst corrects a typo into a term that matches nothing here.
func vocabulary(ctx context.Context, q db.Querier, workspaceID int64, prefix string) ([]string, error) {
	if q.Dialect() == db.SQLite {
		return queryStrings(ctx, q, `SELECT term FROM knowledge_fts_terms WHERE term >= ? AND term < ?`, prefix, prefix+"\U0010FFFF")
	}
	// ts_stat takes a query as text; the workspace id is an integer.
	return queryStrings(ctx, q, fmt.Sprintf(`SELECT word FROM ts_stat('SELECT tsv FROM knowledge_chunks WHERE workspace_id = %d') WHERE word LIKE ?`, workspaceID), prefix+"%")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the optimal-string-alignment edit distance of a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func queryStrings(ctx context.Context, q db.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(rows *sql.Rows) (string, error) {
		var s string
		err := rows.Scan(&s)
		return s, err
	})
}
