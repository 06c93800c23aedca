package workflow

import (
	"testing"
	"time"
)

// A schedule at a time of day the clocks skip (spring) fires at the first
// minute after the gap, as cron does, rather than not at all that day;
// an hourly one just goes on from the new hour.
func TestCronSkippedTimeFiresAfterTheGap(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	newYork, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		cron string
		from time.Time
		want []time.Time
	}{
		// 2026-03-29 in Paris: 02:00 CET becomes 03:00 CEST.
		{"30 2 * * *", time.Date(2026, 3, 28, 3, 0, 0, 0, paris),
			[]time.Time{time.Date(2026, 3, 29, 3, 0, 0, 0, paris), time.Date(2026, 3, 30, 2, 30, 0, 0, paris)}},
		{"0,45 2 * * *", time.Date(2026, 3, 29, 1, 0, 0, 0, paris),
			[]time.Time{time.Date(2026, 3, 29, 3, 0, 0, 0, paris), time.Date(2026, 3, 30, 2, 0, 0, 0, paris)}},
		{"30 * * * *", time.Date(2026, 3, 29, 1, 0, 0, 0, paris),
			[]time.Time{time.Date(2026, 3, 29, 1, 30, 0, 0, paris), time.Date(2026, 3, 29, 3, 30, 0, 0, paris)}},
		// 2026-03-08 in New York: 02:00 EST becomes 03:00 EDT; a weekday
		// schedule on a Sunday is not moved onto it.
		{"15 2 * * 0", time.Date(2026, 3, 7, 12, 0, 0, 0, newYork),
			[]time.Time{time.Date(2026, 3, 8, 3, 0, 0, 0, newYork), time.Date(2026, 3, 15, 2, 15, 0, 0, newYork)}},
		{"15 2 * * 1-5", time.Date(2026, 3, 7, 12, 0, 0, 0, newYork),
			[]time.Time{time.Date(2026, 3, 9, 2, 15, 0, 0, newYork)}},
	}
	for _, c := range cases {
		spec, err := parseCron(c.cron)
		if err != nil {
			t.Fatal(err)
		}
		at := c.from
		for i, want := range c.want {
			at = spec.next(at)
			if !at.Equal(want) {
				t.Errorf("%s from %s, firing %d: %s; want %s", c.cron, c.from.Format("2006-01-02 15:04 MST"), i+1,
					at.Format("2006-01-02 15:04 MST"), want.Format("2006-01-02 15:04 MST"))
				break
			}
		}
	}
}

// Through a year of every kind of clock change (an hour at 02:00 in New
// York and Paris, at midnight in Havana and Santiago, half an hour on
// Lord Howe Island), each schedule's next firing comes, strictly later
// than the last, and a daily one fires once a day. New York's spring day
// once sent next into an endless loop: time.Date reads the missing 02:00
// as 01:00 EST, so stepping to "the next hour" stood still.
func TestCronNextThroughAYearOfClockChanges(t *testing.T) {
	zones := []string{"America/New_York", "Europe/Paris", "America/Havana", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"}
	specs := []struct {
		cron  string
		daily bool
	}{{"0 9 * * *", true}, {"30 2 * * *", true}, {"0 0 * * *", true}, {"45 23 * * *", true}, {"15 1 1 * *", false}, {"*/20 * * * *", false}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, name := range zones {
			loc, err := time.LoadLocation(name)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for _, s := range specs {
				spec, err := parseCron(s.cron)
				if err != nil {
					t.Error(err)
					continue
				}
				from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
				end := from.AddDate(1, 0, 0)
				days := map[string]int{}
				for at := from; at.Before(end); {
					next := spec.next(at)
					if !next.After(at) {
						t.Errorf("%s in %s: next after %s is %s", s.cron, name, at, next)
						break
					}
					at = next
					days[at.Format("2006-01-02")]++
				}
				if !s.daily {
					continue
				}
				for d, n := range days {
					if n != 1 && d < "2027" {
						t.Errorf("%s in %s fired %d times on %s", s.cron, name, n, d)
					}
				}
				if n := len(days); n < 365 || n > 366 {
					t.Errorf("%s in %s fired on %d days of a year", s.cron, name, n)
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // microseconds of work: only an endless loop takes this long
		t.Fatal("next did not return: an endless loop")
	}
}
