package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// dayMs is one day in milliseconds: local day numbers are local / dayMs.
const dayMs = 86_400_000

// Calendar is a workspace's time zone, business hours and holidays, as the
// projection reads them: local times and business-hours durations.
type Calendar struct {
	Loc *time.Location
	// Hours are the opening intervals per weekday (time.Weekday), in
	// minutes after local midnight; nil when the workspace set none.
	Hours    map[time.Weekday][][2]int
	Holidays map[string]bool // YYYY-MM-DD
	// ReopenWindow is the longest gap between a contact's closed
	// conversation and their next one for the next to count as a reopen.
	ReopenWindow time.Duration
}

// DefaultReopenWindow is the reopen window of a workspace that set none.
const DefaultReopenWindow = 24 * time.Hour

// Local is the instant ms as wall-clock milliseconds in the calendar's
// time zone: local / dayMs is the local day number (days since 1970-01-01),
// local % dayMs the time of day.
func (c Calendar) Local(ms int64) int64 {
	_, off := time.UnixMilli(ms).In(c.Loc).Zone()
	return ms + int64(off)*1000
}

// HasHours reports whether business-hours durations can be computed.
func (c Calendar) HasHours() bool { return len(c.Hours) > 0 }

// BusinessMs is how many milliseconds of [from, to) fall inside business
// hours: on a weekday's opening intervals, in the calendar's time zone,
// and not on a holiday.
func (c Calendar) BusinessMs(from, to int64) int64 {
	if to <= from || !c.HasHours() {
		return 0
	}
	start, end := time.UnixMilli(from).In(c.Loc), time.UnixMilli(to).In(c.Loc)
	var total int64
	// The local dates from start's to end's, stepped as dates (in UTC):
	// a local midnight the clocks skip (Santiago, Havana) reads as 23:00
	// the day before, which counted that day twice and dropped the last.
	last := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	for day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC); !day.After(last); day = day.AddDate(0, 0, 1) {
		if c.Holidays[day.Format(time.DateOnly)] {
			continue
		}
		for _, iv := range c.Hours[day.Weekday()] {
			open, closeAt := c.wallTime(day, iv[0]), c.wallTime(day, iv[1])
			if lo, hi := max(open, from), min(closeAt, to); hi > lo {
				total += hi - lo
			}
		}
	}
	return total
}

// wallTime is the first instant whose local time is minute (after
// midnight; 24:00 is the next midnight) of day, a date in UTC, or, when
// the clocks skip that time in spring, the jump past it. time.Date leaves
// both cases to chance: it may read a skipped time with the offset after
// the jump, an instant before it (Santiago's skipped Sunday 00:00 read as
// Saturday 23:00, which counted Saturday's last hour as open), and a time
// the clocks repeat in autumn as its second occurrence.
func (c Calendar) wallTime(day time.Time, minute int) int64 {
	t := time.Date(day.Year(), day.Month(), day.Day(), minute/60, minute%60, 0, 0, c.Loc)
	want := time.Date(day.Year(), day.Month(), day.Day(), minute/60, minute%60, 0, 0, time.UTC)
	start, end := t.ZoneBounds()
	switch got := clock.Wall(t); {
	case got.Before(want) && !end.IsZero(): // skipped, read before the jump, which ends t's offset
		return end.UnixMilli()
	case got.After(want) && !start.IsZero(): // skipped, read past the jump, which began t's offset
		return start.UnixMilli()
	case start.IsZero():
		return t.UnixMilli()
	}
	// Repeated: the same local time under the previous offset, if it
	// comes before t's offset began, is the first occurrence.
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Second).Zone()
	if first := t.Add(-time.Duration(prevOff-off) * time.Second); prevOff > off && first.Before(start) && clock.Wall(first).Equal(want) {
		return first.UnixMilli()
	}
	return t.UnixMilli()
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// LoadCalendar reads the workspace's calendar: its time zone and business
// hours (workspaces) and its reopen window and holidays (report_settings).
func LoadCalendar(ctx context.Context, q db.Querier, workspaceID int64) (Calendar, error) {
	var tz, hours string
	err := q.QueryRow(ctx, `SELECT timezone, business_hours FROM workspaces WHERE id = ?`, workspaceID).Scan(&tz, &hours)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Calendar{}, fmt.Errorf("report: calendar: %w", err)
	}
	c := Calendar{Loc: time.UTC, ReopenWindow: DefaultReopenWindow, Holidays: map[string]bool{}}
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		c.Loc = loc
	}
	c.Hours = parseHours(hours)
	s, err := loadSettings(ctx, q, workspaceID)
	if err != nil {
		return c, err
	}
	c.ReopenWindow = time.Duration(s.ReopenWindowMinutes) * time.Minute
	for _, h := range s.Holidays {
		c.Holidays[h] = true
	}
	return c, nil
}

// parseHours reads stored business hours ({"mon": [{"open": "09:00",
// "close": "17:00"}], …}); nil when there are none.
func parseHours(hours string) map[time.Weekday][][2]int {
	if hours == "" {
		return nil
	}
	var raw map[string][]struct{ Open, Close string }
	if json.Unmarshal([]byte(hours), &raw) != nil {
		return nil
	}
	var out map[time.Weekday][][2]int
	for day, list := range raw {
		wd, ok := weekdays[day]
		if !ok {
			continue
		}
		for _, iv := range list {
			o, c1 := minutes(iv.Open), minutes(iv.Close)
			if o >= 0 && c1 > o {
				if out == nil {
					out = map[time.Weekday][][2]int{}
				}
				out[wd] = append(out[wd], [2]int{o, c1})
			}
		}
	}
	return out
}

// forTeam is the calendar of a team's conversations: the team's own
// business hours and holidays when it set hours (teams.business_hours),
// the workspace's otherwise; the time zone and reopen window stay the
// workspace's.
func (c Calendar) forTeam(ctx context.Context, q db.Querier, workspaceID, teamID int64) (Calendar, error) {
	if teamID == 0 {
		return c, nil
	}
	var hours, holidays string
	err := q.QueryRow(ctx, `SELECT business_hours, holidays FROM teams WHERE workspace_id = ? AND id = ?`, workspaceID, teamID).Scan(&hours, &holidays)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil // a team deleted since
	}
	if err != nil {
		return c, fmt.Errorf("report: team calendar: %w", err)
	}
	h := parseHours(hours)
	if h == nil {
		return c, nil
	}
	t := c
	t.Hours, t.Holidays = h, map[string]bool{}
	var days []string
	if json.Unmarshal([]byte(holidays), &days) == nil {
		for _, d := range days {
			t.Holidays[d] = true
		}
	}
	return t, nil
}

// minutes parses "HH:MM" (or "24:00") into minutes after midnight; -1 when
// malformed.
func minutes(s string) int {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return -1
	}
	return hh*60 + mm
}
