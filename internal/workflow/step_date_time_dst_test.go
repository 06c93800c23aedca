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
