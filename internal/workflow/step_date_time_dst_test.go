package workflow

import (
	"testing"
	"time"
)

// A date "to" includes that whole day, also on a day when the clocks
// change: that day is 23 or 25 hours long, not 24.
func TestDateRangeToAcrossDST(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, c := range []struct {
		s    dateTime
		at   string
		want bool
	}{
		// 2026-10-25 is 25 hours long in Paris (clocks go back).
		{dateTime{Mode: "date_range", From: "2026-10-20", To: "2026-10-25"}, "2026-10-25 23:30", true},
		// 2026-03-29 is 23 hours long (clocks go forward).
		{dateTime{Mode: "date_range", From: "2026-03-20", To: "2026-03-29"}, "2026-03-30 00:30", false},
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, paris)
		if got, why := c.s.inside(at); got != c.want {
			t.Errorf("%s–%s at %s: %v (%s), want %v", c.s.From, c.s.To, c.at, got, why, c.want)
		}
	}
}

// A date range around a day whose midnight the clocks skip (Santiago's
// 2026-09-06 starts at 01:00) holds the wall clock times it names: the
// evening before is outside, that day's first hour is inside, and the
// evening of its last day is inside until the date changes.
func TestDateRangeAcrossAMissingMidnight(t *testing.T) {
	santiago, _ := time.LoadLocation("America/Santiago")
	utc := func(s string) time.Time { at, _ := time.Parse("2006-01-02 15:04", s); return at.In(santiago) }
	for _, c := range []struct {
		s    dateTime
		at   time.Time
		want bool
	}{
		{dateTime{Mode: "date_range", From: "2026-09-06", To: "2026-09-07"}, utc("2026-09-06 03:30"), false},            // Sep 5 23:30 -04
		{dateTime{Mode: "date_range", From: "2026-09-06", To: "2026-09-07"}, utc("2026-09-06 04:30"), true},             // Sep 6 01:30 -03
		{dateTime{Mode: "date_range", From: "2026-09-01", To: "2026-09-05"}, utc("2026-09-06 03:30"), true},             // Sep 5 23:30 -04
		{dateTime{Mode: "date_range", From: "2026-09-01 08:00", To: "2026-09-06 01:30"}, utc("2026-09-06 04:15"), true}, // Sep 6 01:15 -03
	} {
		if got, why := c.s.inside(c.at); got != c.want {
			t.Errorf("%s–%s at %s: %v (%s), want %v", c.s.From, c.s.To, c.at.Format("2006-01-02 15:04 -07"), got, why, c.want)
		}
	}
}
