package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestDateTimeInside(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	hours := dateTime{Mode: "business_hours", Hours: map[string][]period{"mon": {{"09:00", "12:00"}, {"14:00", "18:00"}}},
		Holidays: []string{"2026-12-28"}}
	rng := dateTime{Mode: "date_range", From: "2026-12-24", To: "2026-12-26"}
	for _, c := range []struct {
		s    dateTime
		at   string
		want bool
	}{
		{hours, "2026-11-30 09:30", true}, // a Monday morning
		{hours, "2026-11-30 13:00", false},
		{hours, "2026-11-30 17:59", true},
		{hours, "2026-12-01 10:00", false}, // Tuesday: no hours
		{hours, "2026-12-28 10:00", false}, // a Monday holiday
		{rng, "2026-12-26 23:00", true},    // "to" includes its whole day
		{rng, "2026-12-27 00:00", false},
		{rng, "2026-12-23 23:59", false},
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, paris)
		if got, why := c.s.inside(at); got != c.want {
			t.Errorf("%s at %s: %v (%s)", c.s.Mode, c.at, got, why)
		}
	}
}

func TestDateTimeStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[
			{"id": "now", "type": "date_time", "settings": {"mode": "date_range", "timezone": "Asia/Tokyo", "from": "2000-01-01", "to": "2099-12-31"},
			 "exits": {"next": "past", "failure": "out"}},
			{"id": "past", "type": "date_time", "settings": {"mode": "date_range", "from": "2001-01-01", "to": "2001-01-02"},
			 "exits": {"next": "in", "failure": "out"}},
			{"id": "in", "type": "send_message", "settings": {"text": "in"}},
			{"id": "out", "type": "send_message", "settings": {"text": "out"}}]`)
		if run.Status != StatusFinished || run.History[0].Exit != "next" || run.History[1].Exit != "failure" {
			t.Fatalf("history %+v", run.History)
		}
		if !strings.Contains(string(run.History[0].Input), "JST") {
			t.Errorf("the step did not use its time zone: %s", run.History[0].Input)
		}
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "out" {
			t.Fatalf("sent %q", got)
		}
	})
}

// Business hours that run to midnight end at "24:00": a period's end is
// excluded, so the latest an end could be, "23:59", closed the last
// minute of the day (a desk open until midnight, or all day, sent its
// away message at 23:59), and "24:00" was refused.
func TestDateTimeHoursRunToMidnight(t *testing.T) {
	allDay := `{"mode": "business_hours", "hours": {"mon": [{"from": "00:00", "to": "24:00"}], "tue": [{"from": "18:00", "to": "24:00"}]}}`
	var s dateTime
	if err := decodeSettings([]byte(allDay), &s); err != nil {
		t.Fatal(err)
	}
	c := &checker{}
	s.check(c)
	if len(c.problems) != 0 {
		t.Fatalf("refused: %+v", c.problems)
	}
	for _, c := range []struct {
		at   string
		want bool
	}{
		{"2026-11-30 00:00", true},
		{"2026-11-30 23:59", true},
		{"2026-12-01 17:59", false},
		{"2026-12-01 23:59", true},
		{"2026-12-02 00:00", false}, // Wednesday: no hours
	} {
		at, _ := time.Parse("2006-01-02 15:04", c.at)
		if got, why := s.inside(at); got != c.want {
			t.Errorf("%s: %v (%s)", c.at, got, why)
		}
	}
	for _, bad := range []string{"24:01", "25:00", "24:00"} {
		var s dateTime
		decodeSettings([]byte(`{"mode": "business_hours", "hours": {"mon": [{"from": "`+bad+`", "to": "24:00"}]}}`), &s)
		c := &checker{}
		s.check(c)
		if len(c.problems) == 0 {
			t.Errorf("a period from %s was accepted", bad)
		}
	}
}
