package report

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBusinessMs(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	weekdays := [][2]int{{9 * 60, 17 * 60}}
	c := Calendar{Loc: paris, Hours: map[time.Weekday][][2]int{time.Monday: weekdays, time.Tuesday: weekdays, time.Wednesday: weekdays,
		time.Thursday: weekdays, time.Friday: {{9 * 60, 12 * 60}, {14 * 60, 17 * 60}}}, Holidays: map[string]bool{"2026-06-15": true}}
	at := func(day, hour, minute int) int64 {
		return time.Date(2026, 6, day, hour, minute, 0, 0, paris).UnixMilli()
	}
	for _, tc := range []struct {
		name     string
		from, to int64
		want     time.Duration
	}{
		{"inside the day", at(2, 10, 0), at(2, 10, 30), 30 * time.Minute},
		{"a night excluded", at(2, 16, 50), at(3, 9, 10), 20 * time.Minute},
		{"before opening", at(2, 6, 0), at(2, 9, 5), 5 * time.Minute},
		{"Friday's lunch excluded", at(5, 11, 0), at(5, 15, 0), 2 * time.Hour},
		{"a weekend excluded", at(5, 16, 55), at(8, 9, 10), 15 * time.Minute},
		{"a holiday excluded (Monday the 15th)", at(12, 16, 0), at(16, 10, 0), 2 * time.Hour},
		{"nothing in hours", at(6, 10, 0), at(7, 18, 0), 0},
		{"empty", at(2, 10, 0), at(2, 10, 0), 0},
	} {
		if got := c.BusinessMs(tc.from, tc.to); got != tc.want.Milliseconds() {
			t.Errorf("%s: %v, want %v", tc.name, time.Duration(got)*time.Millisecond, tc.want)
		}
	}
	if (Calendar{Loc: paris}).BusinessMs(at(2, 10, 0), at(2, 11, 0)) != 0 {
		t.Error("a calendar without hours counts time")
	}
	// Local days: 23:30 in Paris on June 1 (UTC+2) is still June 1.
	if day := c.Local(at(1, 23, 30)) / dayMs; dayString(day) != "2026-06-01" {
		t.Errorf("local day %s", dayString(day))
	}
}

func TestRankAndBuckets(t *testing.T) {
	d := distOf([]int64{4, 1, 3, 2})
	if d.MedianMs != 2 || d.P90Ms != 4 || d.AverageMs != 2 || d.Count != 4 {
		t.Errorf("nearest rank of 1..4: %+v", d)
	}
	for ms, want := range map[int64]string{0: "<30s", 29_999: "<30s", 30_000: "30s–2m", 119_999: "30s–2m", 120_000: "2–5m",
		599_999: "5–10m", 1_800_000: "30m–1h", 3_599_999: "30m–1h", 3_600_000: ">1h"} {
		if got := Buckets[BucketOf(ms)].Label; got != want {
			t.Errorf("%d ms in %s, want %s", ms, got, want)
		}
	}
}

// TestSelectKth checks the selection against sorting, on random values
// with many repeats and on sorted and reversed ones.
func TestSelectKth(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 400; n += 7 {
		for _, shape := range []string{"random", "repeats", "sorted", "reversed"} {
			vals := make([]int64, n)
			for i := range vals {
				switch shape {
				case "random":
					vals[i] = r.Int64N(1_000_000) - 1000
				case "repeats":
					vals[i] = r.Int64N(4)
				case "sorted":
					vals[i] = int64(i)
				default:
					vals[i] = int64(n - i)
				}
			}
			sorted := slices.Clone(vals)
			slices.Sort(sorted)
			for _, k := range []int{0, n / 2, n * 9 / 10, n - 1} {
				if got := selectKth(slices.Clone(vals), k); got != sorted[k] {
					t.Fatalf("%s n=%d k=%d: %d, want %d", shape, n, k, got, sorted[k])
				}
			}
			d := distOf(slices.Clone(vals))
			if d.MedianMs != sorted[Rank(50, int64(n))-1] || d.P90Ms != sorted[Rank(90, int64(n))-1] {
				t.Fatalf("%s n=%d: median %d p90 %d", shape, n, d.MedianMs, d.P90Ms)
			}
		}
	}
}
