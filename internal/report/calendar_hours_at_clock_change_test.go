package report

import (
	"testing"
	"time"
)

// An opening time the clocks skip on a spring day opens at the jump, the
// first instant whose local time is at or past it: Santiago's Sunday
// 00:00–10:00 on 2026-09-06 (00:00 becomes 01:00) is 9 hours, and New
// York's Sunday 02:30–10:00 on 2026-03-08 (02:00 becomes 03:00) is 7.
// time.Date reads such a time with the offset after the jump, an hour
// early: it counted 10 hours (Saturday's 23:00–24:00 too) and 7½.
func TestBusinessMsOpeningAtASkippedTime(t *testing.T) {
	for _, tc := range []struct {
		zone  string
		month time.Month
		day   int // the spring Sunday
		open  int // minutes after midnight, skipped that day
		want  time.Duration
	}{
		{"America/Santiago", time.September, 6, 0, 9 * time.Hour},
		{"America/New_York", time.March, 8, 150, 7 * time.Hour},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		c := Calendar{Loc: loc, Hours: map[time.Weekday][][2]int{time.Sunday: {{tc.open, 10 * 60}}}}
		from := time.Date(2026, tc.month, tc.day-1, 20, 0, 0, 0, loc) // Saturday evening
		to := time.Date(2026, tc.month, tc.day, 12, 0, 0, 0, loc)     // Sunday noon
		if got := time.Duration(c.BusinessMs(from.UnixMilli(), to.UnixMilli())) * time.Millisecond; got != tc.want {
			t.Errorf("%s: %v of business time from %s to %s; want %v", tc.zone, got, from, to, tc.want)
		}
	}
}

// An opening time the clocks repeat in autumn opens at its first
// occurrence: Gaza's Saturday 01:00–03:00 on 2026-10-24 (02:00 goes back
// to 01:00) is open 3 hours. time.Date read it as the second 01:00: 2.
func TestBusinessMsOpeningAtARepeatedTime(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Gaza")
	if err != nil {
		t.Fatal(err)
	}
	c := Calendar{Loc: loc, Hours: map[time.Weekday][][2]int{time.Saturday: {{60, 180}}}}
	from := time.Date(2026, 10, 23, 20, 0, 0, 0, loc)
	to := time.Date(2026, 10, 24, 12, 0, 0, 0, loc)
	if got := time.Duration(c.BusinessMs(from.UnixMilli(), to.UnixMilli())) * time.Millisecond; got != 3*time.Hour {
		t.Errorf("%v of business time from %s to %s; want 3h", got, from, to)
	}
}
