package report

import (
	"testing"
	"time"
)

// Business time across a spring day whose midnight the clocks skip
// (Santiago and Havana move from 00:00 to 01:00): each day counts once
// and the last day counts. Stepping from one local midnight to the next
// once read the missing midnight as 23:00 the day before, counting that
// day twice and leaving out the last.
func TestBusinessMsAcrossAMissingMidnight(t *testing.T) {
	every := [][2]int{{9 * 60, 17 * 60}}
	for _, tc := range []struct {
		zone string
		day  int // the spring day of 2026, whose midnight is skipped
		mon  time.Month
	}{{"America/Santiago", 6, time.September}, {"America/Havana", 8, time.March}} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		c := Calendar{Loc: loc, Hours: map[time.Weekday][][2]int{}}
		for d := time.Sunday; d <= time.Saturday; d++ {
			c.Hours[d] = every
		}
		from := time.Date(2026, tc.mon, tc.day-1, 0, 0, 0, 0, loc) // the day before, at midnight
		to := time.Date(2026, tc.mon, tc.day+1, 12, 0, 0, 0, loc)  // the day after, at noon
		want := (8 + 8 + 3) * time.Hour                            // 09–17 twice, then 09–12
		if got := time.Duration(c.BusinessMs(from.UnixMilli(), to.UnixMilli())) * time.Millisecond; got != want {
			t.Errorf("%s: %v of business time from %s to %s; want %v", tc.zone, got, from, to, want)
		}
	}
}
