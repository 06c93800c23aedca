package report

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

// distOf summarises values (reordering them in place). The median and
// 90th percentile are exact: each is selected at its rank (quickselect,
// linear on average) instead of sorting every value.
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
	d.AverageMs = d.SumMs / d.Count
	med, p90 := int(Rank(50, d.Count)-1), int(Rank(90, d.Count)-1)
	d.MedianMs = selectKth(values, med)
	// Everything after the median's position is at least the median.
	d.P90Ms = selectKth(values[med:], p90-med)
	return d
}

// selectKth returns the value that would be at index k (0-based) were a
// sorted, moving a's values so that a[:k] ≤ a[k] ≤ a[k+1:] (Hoare's
// partition around a median of three).
func selectKth(a []int64, k int) int64 {
	lo, hi := 0, len(a)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		p := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < p {
				i++
			}
			for a[j] > p {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return a[k]
		}
	}
	return a[k]
}

// Rank is the nearest-rank position (1-based) of the p-th percentile of
// n values: ceil(p × n / 100).
func Rank(p, n int64) int64 { return (p*n + 99) / 100 }
