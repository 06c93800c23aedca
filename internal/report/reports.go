package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Result is a report over a range, with the previous period's when asked
// (compare=previous).
type Result[T any] struct {
	Range         Range  `json:"range"`
	Current       T      `json:"current"`
	Previous      *T     `json:"previous,omitempty"`
	PreviousRange *Range `json:"previous_range,omitempty"`
}

// Count is one slice of a breakdown: a key (a channel, user or team id in
// decimal, a source, a category — "" for none) and its count.
type Count struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// resolveFilter fixes the filter's range in the workspace's time zone.
func (s *Service) resolveFilter(ctx context.Context, workspaceID int64, f *Filter) (Calendar, error) {
	cal, err := LoadCalendar(ctx, s.db.Reader(), workspaceID)
	if err != nil {
		return cal, err
	}
	f.live = s.opts.Live
	return cal, f.resolve(cal.Local(s.db.Now()) / dayMs)
}

// compute runs one report over the filter's range and, with Compare, over
// the previous period.
func compute[T any](ctx context.Context, s *Service, workspaceID int64, f Filter,
	fn func(ctx context.Context, q db.Querier, workspaceID int64, f Filter) (T, error)) (Result[T], error) {
	var out Result[T]
	cal, err := s.resolveFilter(ctx, workspaceID, &f)
	if err != nil {
		return out, err
	}
	q := s.db.Reader()
	out.Range = f.rng(cal.Loc.String())
	if out.Current, err = fn(ctx, q, workspaceID, f); err != nil {
		return out, err
	}
	if f.Compare {
		p := f.previous()
		prev, err := fn(ctx, q, workspaceID, p)
		if err != nil {
			return out, err
		}
		r := p.rng(cal.Loc.String())
		out.Previous, out.PreviousRange = &prev, &r
	}
	return out, nil
}

// groupCount counts rows of "from" (FROM … WHERE …) by key, largest first.
func groupCount(ctx context.Context, q db.Querier, key, from string, args []any) ([]Count, error) {
	rows, err := q.Query(ctx, "SELECT "+key+", COUNT(*) FROM "+from+" GROUP BY "+key+" ORDER BY COUNT(*) DESC, "+key, args...)
	if err != nil {
		return nil, fmt.Errorf("report: breakdown: %w", err)
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var k any
		var c Count
		if err := rows.Scan(&k, &c.Count); err != nil {
			return nil, err
		}
		c.Key = keyString(k)
		out = append(out, c)
	}
	return out, rows.Err()
}

func keyString(k any) string {
	switch v := k.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case []byte:
		return string(v)
	case string:
		return v
	case nil:
		return ""
	}
	return fmt.Sprint(k)
}

// series counts rows of "from" per point of the range on a *_local column.
func series(ctx context.Context, q db.Querier, f Filter, col, from string, args []any) (map[int64]int64, error) {
	b := f.bucketExpr(col)
	rows, err := q.Query(ctx, "SELECT "+b+", COUNT(*) FROM "+from+" GROUP BY "+b, args...)
	if err != nil {
		return nil, fmt.Errorf("report: series: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var t, n int64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, rows.Err()
}

func count(ctx context.Context, q db.Querier, from string, args []any) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM "+from, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("report: count: %w", err)
	}
	return n, nil
}

func slicesSortCounts(c []Count) {
	slices.SortFunc(c, func(a, b Count) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return strings.Compare(a.Key, b.Key)
	})
}
