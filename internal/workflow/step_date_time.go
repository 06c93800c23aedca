package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

func init() { register("date_time", func() stepImpl { return &dateTime{} }) }

// dateTime checks the current time: inside business hours (per weekday,
// in a time zone, minus holidays), or inside a date range. It takes next
// when it is, failure when it is not.
type dateTime struct {
	Mode     string              `json:"mode"`                                               // business_hours or date_range
	Timezone string              `json:"timezone,omitempty"`                                 // default: the workspace's
	Hours    map[string][]period `json:"hours,omitempty" keys:"mon tue wed thu fri sat sun"` // mon…sun -> open periods
	Holidays []string            `json:"holidays,omitempty" format:"date"`                   // YYYY-MM-DD
	From     string              `json:"from,omitempty" format:"local-datetime"`             // date_range: YYYY-MM-DD HH:MM or YYYY-MM-DD
	To       string              `json:"to,omitempty" format:"local-datetime"`
}

// period is an opening period of a day, "09:00" to "17:30" (its end
// excluded; "24:00" ends it at midnight). The schema says both are times
// of day and that to comes after from, so the builder's form offers time
// inputs and says an inverted period is wrong as it is typed.
type period struct {
	From string `json:"from" format:"time"`
	To   string `json:"to" format:"time" after:"from"`
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func (s *dateTime) check(c *checker) {
	if s.Timezone != "" {
		if _, err := clock.Zone(s.Timezone); err != nil {
			c.add("settings.timezone", "unknown time zone %q", s.Timezone)
		}
	}
	switch s.Mode {
	case "business_hours":
		if len(s.Hours) == 0 {
			c.add("settings.hours", "business hours need at least one day")
		}
		for day, ps := range s.Hours {
			if !slices.Contains(weekdays, day) {
				c.add("settings.hours", "unknown day %q (mon, tue, wed, thu, fri, sat, sun)", day)
			}
			for _, p := range ps {
				// An end is excluded, so a period running to midnight
				// ends at 24:00 (23:59 would close the day's last minute).
				if !isClock(p.From) || (!isClock(p.To) && p.To != "24:00") || p.From >= p.To {
					c.add("settings.hours."+day, "period %s–%s must be HH:MM to a later HH:MM (24:00 for midnight)", p.From, p.To)
				}
			}
		}
		for _, h := range s.Holidays {
			if _, err := time.Parse("2006-01-02", h); err != nil {
				c.add("settings.holidays", "%q is not a YYYY-MM-DD date", h)
			}
		}
	case "date_range":
		if _, err := parseWhen(s.From, time.UTC); err != nil {
			c.add("settings.from", "must be YYYY-MM-DD or YYYY-MM-DD HH:MM")
		}
		if _, err := parseWhen(s.To, time.UTC); err != nil {
			c.add("settings.to", "must be YYYY-MM-DD or YYYY-MM-DD HH:MM")
		} else if _, err := parseWhen(s.From, time.UTC); err == nil && !s.holdsATime() {
			c.add("settings.to", "is before from: the range holds no time, so the step would never be inside it")
		}
	default:
		c.add("settings.mode", "must be business_hours or date_range")
	}
}

func isClock(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == 5
}

// wallLayout orders wall clock times as strings.
const wallLayout = "2006-01-02 15:04"

// wallBound is a range bound as a wall clock time in wallLayout (a date
// alone is its midnight), and whether it was a date alone.
func wallBound(s string) (string, bool) {
	t, err := parseWhen(s, time.UTC)
	return t.Format(wallLayout), err == nil && len(strings.TrimSpace(s)) == len("2006-01-02")
}

func parseWhen(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, loc); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02", s, loc)
}

func (s *dateTime) exits() []string { return []string{"next", "failure"} }

func (s *dateTime) exec(x *execution) (result, error) {
	loc := x.e.location(x.ctx, x.run.WorkspaceID)
	if s.Timezone != "" {
		if l, err := time.LoadLocation(s.Timezone); err == nil {
			loc = l
		}
	}
	now := x.now.In(loc)
	in, why := s.inside(now)
	x.log("now", now.Format("2006-01-02 15:04 MST"))
	if in {
		return result{exit: "next", outcome: why}, nil
	}
	return result{exit: "failure", outcome: why}, nil
}

// holdsATime reports whether a date range has a moment inside it (as
// inside compares): from up to a "to" time excluded, or to the end of a
// "to" date.
func (s *dateTime) holdsATime() bool {
	from, _ := wallBound(s.From)
	to, toDate := wallBound(s.To)
	if toDate {
		return from[:10] <= to[:10]
	}
	return from < to
}

// inside reports whether t falls in the step's hours or range, and why.
func (s *dateTime) inside(t time.Time) (bool, string) {
	if s.Mode == "date_range" {
		// Compared as wall clock times in the zone, which is what the
		// bounds name: a day the clocks change is 23 or 25 hours long,
		// and a midnight they skip (Santiago, Havana) has no instant, so
		// bounds turned into instants moved by an hour there.
		from, _ := wallBound(s.From)
		to, toDate := wallBound(s.To)
		wall := t.Format(wallLayout)
		inTo := wall < to
		if toDate {
			inTo = wall[:10] <= to[:10] // a date "to" includes that whole day
		}
		if wall >= from && inTo {
			return true, "inside the date range"
		}
		return false, "outside the date range"
	}
	if slices.Contains(s.Holidays, t.Format("2006-01-02")) {
		return false, "a holiday"
	}
	clock := t.Format("15:04")
	for _, p := range s.Hours[weekdays[t.Weekday()]] {
		if clock >= p.From && clock < p.To {
			return true, fmt.Sprintf("open (%s %s–%s)", weekdays[t.Weekday()], p.From, p.To)
		}
	}
	return false, fmt.Sprintf("closed (%s %s)", weekdays[t.Weekday()], clock)
}
