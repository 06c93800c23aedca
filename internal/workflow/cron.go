package workflow

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// cronSpec is a parsed five-field cron expression: minute, hour, day of
// month, month, day of week (0 or 7 is Sunday). Each field is *, a
// number, a range a-b, a list a,b,c, or any of those with a step /n.
type cronSpec struct {
	minute, hour, dom, month, dow [64]bool
	domAny, dowAny                bool
}

var cronBounds = [5][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}

func parseCron(expr string) (*cronSpec, error) {
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, fmt.Errorf("a cron expression has 5 fields (minute hour day month weekday), not %d", len(fields))
	}
	c := &cronSpec{domAny: fields[2] == "*", dowAny: fields[4] == "*"}
	sets := []*[64]bool{&c.minute, &c.hour, &c.dom, &c.month, &c.dow}
	for i, f := range fields {
		if err := parseCronField(f, cronBounds[i][0], cronBounds[i][1], sets[i]); err != nil {
			return nil, fmt.Errorf("field %d (%q): %w", i+1, f, err)
		}
	}
	if c.dow[7] {
		c.dow[0] = true
	}
	return c, nil
}

func parseCronField(f string, lo, hi int, set *[64]bool) error {
	for _, part := range strings.Split(f, ",") {
		step := 1
		if base, s, ok := strings.Cut(part, "/"); ok {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return fmt.Errorf("bad step %q", s)
			}
			part, step = base, n
		}
		from, to := lo, hi
		if part != "*" {
			a, b, isRange := strings.Cut(part, "-")
			var err error
			if from, err = strconv.Atoi(a); err != nil {
				return fmt.Errorf("bad number %q", a)
			}
			to = from
			if isRange {
				if to, err = strconv.Atoi(b); err != nil {
					return fmt.Errorf("bad number %q", b)
				}
			} else if step > 1 {
				to = hi
			}
		}
		if from < lo || to > hi || from > to {
			return fmt.Errorf("%d-%d is outside %d-%d", from, to, lo, hi)
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return nil
}

// next returns the first minute strictly after t that matches, in t's
// location. Day of month and day of week combine as in cron: when both
// are restricted, either matching is enough.
func (c *cronSpec) next(t time.Time) time.Time {
	t = t.Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		if !c.month[int(t.Month())] {
			t = forward(t, time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, t.Location()))
			continue
		}
		if !c.dayMatches(t) {
			t = forward(t, time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, t.Location()))
			continue
		}
		if c.skippedBefore(t) {
			// The clocks jumped over a time of day it names (spring):
			// as in cron, it fires at the first minute after the gap
			// rather than not at all that day.
			return t
		}
		if !c.hour[t.Hour()] {
			t = forward(t, time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, t.Location()))
			continue
		}
		if !c.minute[t.Minute()] {
			t = t.Add(time.Minute)
			continue
		}
		if repeated(t) && !c.everyHour() {
			// The second pass of the hour the clocks go back: a time of
			// day fires once, in the first pass, as in cron (an hourly
			// schedule fires in both, an hour apart).
			t = t.Add(time.Minute)
			continue
		}
		return t
	}
	return time.Time{}
}

// forward returns wall, the start of the next month, day or hour that
// next moves t to, or, when that wall clock time does not exist and
// time.Date chose the zone before the jump (New York's 02:00 on the
// spring day is 01:00 EST), the start of the next hour after t by the
// clock: never t itself or earlier, which would loop forever.
func forward(t, wall time.Time) time.Time {
	if wall.After(t) {
		return wall
	}
	return t.Add(time.Duration(60-t.Minute()) * time.Minute)
}

// skippedBefore reports whether the clocks skipped, right before t, a
// wall clock minute c names (a time of day: an hourly schedule just goes
// on from the new hour, as cron does).
func (c *cronSpec) skippedBefore(t time.Time) bool {
	// Wall clocks, to step through the minutes that never happened in t's
	// location (t and the minute before it are whole minutes).
	from, to := clock.Wall(t.Add(-time.Minute)).Add(time.Minute), clock.Wall(t)
	if !to.After(from) || c.everyHour() {
		return false
	}
	for w := from; w.Before(to); w = w.Add(time.Minute) {
		if c.hour[w.Hour()] && c.minute[w.Minute()] {
			return true
		}
	}
	return false
}

// everyHour says whether the hour field allows every hour.
func (c *cronSpec) everyHour() bool {
	for h := range 24 {
		if !c.hour[h] {
			return false
		}
	}
	return true
}

// repeated reports whether t's wall clock already happened earlier that
// day: t is in the second pass of the hour (or half hour, in a few zones)
// the clocks go back.
func repeated(t time.Time) bool {
	for _, d := range []time.Duration{30 * time.Minute, time.Hour} {
		u := t.Add(-d)
		if u.Day() == t.Day() && u.Hour() == t.Hour() && u.Minute() == t.Minute() {
			return true
		}
	}
	return false
}

func (c *cronSpec) dayMatches(t time.Time) bool {
	dom, dow := c.dom[t.Day()], c.dow[int(t.Weekday())]
	switch {
	case c.domAny && c.dowAny:
		return true
	case c.domAny:
		return dow
	case c.dowAny:
		return dom
	}
	return dom || dow
}
