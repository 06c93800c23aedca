package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Bucket is one bar of a duration histogram.
type Bucket struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// Buckets are the histogram's bars: a duration d falls in the first
// bucket whose upper bound it is below (<30s is d < 30,000 ms; 30s–2m is
// 30,000 ≤ d < 120,000; …; >1h is d ≥ 3,600,000).
var Buckets = []struct {
	Label string
	Below int64 // ms; 0 for the last, unbounded one
}{
	{"<30s", 30_000}, {"30s–2m", 120_000}, {"2–5m", 300_000}, {"5–10m", 600_000},
	{"10–30m", 1_800_000}, {"30m–1h", 3_600_000}, {">1h", 0},
}

// BucketOf returns the index of d's bucket.
func BucketOf(ms int64) int {
	for i, b := range Buckets {
		if b.Below == 0 || ms < b.Below {
			return i
		}
	}
	return len(Buckets) - 1
}

// Dist summarises durations: how many, their sum and mean, the median and
// 90th percentile (nearest rank: the value at position ceil(p × count) in
// ascending order) and the histogram.
type Dist struct {
	Count     int64    `json:"count"`
	SumMs     int64    `json:"sum_ms"`
	AverageMs int64    `json:"average_ms"` // SumMs / Count, rounded down; 0 when empty
	MedianMs  int64    `json:"median_ms"`
	P90Ms     int64    `json:"p90_ms"`
	Buckets   []Bucket `json:"buckets"`
}

// dist computes a Dist over the non-null values of expr in "FROM … WHERE …"
// (from holds both, without the keywords' leading SELECT).
func dist(ctx context.Context, q db.Querier, expr, from string, args []any) (Dist, error) {
	sel := "COUNT(" + expr + "), COALESCE(SUM(" + expr + "), 0)"
	for _, b := range Buckets {
		if b.Below == 0 {
			sel += ", COALESCE(SUM(CASE WHEN " + expr + fmt.Sprintf(" >= %d THEN 1 ELSE 0 END), 0)", Buckets[len(Buckets)-2].Below)
			continue
		}
		sel += ", COALESCE(SUM(CASE WHEN " + expr + fmt.Sprintf(" < %d THEN 1 ELSE 0 END), 0)", b.Below)
	}
	d := Dist{Buckets: make([]Bucket, len(Buckets))}
	below := make([]int64, len(Buckets))
	dest := []any{&d.Count, &d.SumMs}
	for i := range below {
		dest = append(dest, &below[i])
	}
	if err := q.QueryRow(ctx, "SELECT "+sel+" FROM "+from, args...).Scan(dest...); err != nil {
		return d, fmt.Errorf("report: distribution: %w", err)
	}
	// Cumulative "below" counts into bars.
	var prev int64
	for i, b := range Buckets {
		n := below[i]
		if b.Below != 0 {
			n, prev = below[i]-prev, below[i]
		}
		d.Buckets[i] = Bucket{Label: b.Label, Count: n}
	}
	if d.Count == 0 {
		return d, nil
	}
	d.AverageMs = d.SumMs / d.Count
	var err error
	if d.MedianMs, err = nth(ctx, q, expr, from, args, Rank(50, d.Count)); err != nil {
		return d, err
	}
	d.P90Ms, err = nth(ctx, q, expr, from, args, Rank(90, d.Count))
	return d, err
}

// Rank is the nearest-rank position (1-based) of the p-th percentile of
// n values: ceil(p × n / 100).
func Rank(p, n int64) int64 { return (p*n + 99) / 100 }

func nth(ctx context.Context, q db.Querier, expr, from string, args []any, rank int64) (int64, error) {
	var v int64
	err := q.QueryRow(ctx, "SELECT "+expr+" FROM "+from+" AND "+expr+" IS NOT NULL ORDER BY "+expr+" LIMIT 1 OFFSET ?",
		append(append([]any{}, args...), rank-1)...).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("report: percentile: %w", err)
	}
	return v, nil
}
