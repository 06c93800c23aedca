package report

import (
	"testing"
	"time"
)

// The next opening after a time: later the same day, after a lunch break,
// over a weekend and a holiday, never while open, and none without hours.
func TestNextOpening(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	week := map[time.Weekday][][2]int{}
	for d := time.Monday; d <= time.Friday; d++ {
		week[d] = [][2]int{{9 * 60, 12 * 60}, {14 * 60, 18 * 60}}
	}
	c := Calendar{Loc: paris, Hours: week, Holidays: map[string]bool{"2026-12-25": true}}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		name, now, want string // want "": open now
	}{
		{"before the day opens", "2026-12-08 07:30", "2026-12-08 09:00"},
		{"open", "2026-12-08 10:00", ""},
		{"the opening minute is open", "2026-12-08 09:00", ""},
		{"lunch", "2026-12-08 12:00", "2026-12-08 14:00"},
		{"the evening", "2026-12-08 18:00", "2026-12-09 09:00"},
		{"Friday evening: Monday", "2026-12-11 19:00", "2026-12-14 09:00"},
		{"Saturday", "2026-12-12 11:00", "2026-12-14 09:00"},
		{"the eve of a holiday: the day after it", "2026-12-24 20:00", "2026-12-28 09:00"},
		{"spring forward", "2026-03-28 23:00", "2026-03-30 09:00"},
	} {
		got, closed := c.NextOpening(at(tc.now))
		if tc.want == "" {
			if closed {
				t.Errorf("%s: next opening %v, want open now", tc.name, got.In(paris))
			}
			continue
		}
		if !closed || !got.Equal(at(tc.want)) {
			t.Errorf("%s: next opening %v (%v), want %s", tc.name, got.In(paris), closed, tc.want)
		}
	}
	if _, ok := (Calendar{Loc: paris}).NextOpening(at("2026-12-12 11:00")); ok {
		t.Error("a calendar without hours opens")
	}
	// Every day a holiday: no opening within the search.
	all := Calendar{Loc: time.UTC, Hours: week, Holidays: map[string]bool{}}
	for d := range openingSearchDays + 2 {
		all.Holidays[time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d-1).Format(time.DateOnly)] = true
	}
	if got, ok := all.NextOpening(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)); ok {
		t.Errorf("every day a holiday: opens %v", got)
	}
}
