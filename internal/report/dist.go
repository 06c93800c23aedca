package report

import "slices"

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

// distOf summarises values (sorting them in place).
func distOf(values []int64) Dist {
	d := Dist{Buckets: make([]Bucket, len(Buckets))}
	for i, b := range Buckets {
		d.Buckets[i].Label = b.Label
	}
	for _, v := range values {
		d.Count++
		d.SumMs += v
		d.Buckets[BucketOf(v)].Count++
	}
	if d.Count == 0 {
		return d
	}
	slices.Sort(values)
	d.AverageMs = d.SumMs / d.Count
	d.MedianMs, d.P90Ms = values[Rank(50, d.Count)-1], values[Rank(90, d.Count)-1]
	return d
}

// Rank is the nearest-rank position (1-based) of the p-th percentile of
// n values: ceil(p × n / 100).
func Rank(p, n int64) int64 { return (p*n + 99) / 100 }
