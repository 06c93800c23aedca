package report

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Filter selects what a report counts. From and To are days
// (YYYY-MM-DD) in the workspace's time zone, both included; the other
// fields, when set, keep only the conversations that match.
type Filter struct {
	From, To string
	// Interval of the time series: day (default) or hour.
	Interval     string
	TeamID       int64
	UserID       int64
	ChannelID    int64
	OpenedSource string
	ClosedSource string
	Category     string
	WorkflowID   int64
	// BusinessHours counts first response, response and resolution times
	// in business hours only (see Calendar.BusinessMs).
	BusinessHours bool
	// Compare adds the figures of the previous period of the same length.
	Compare bool

	from, to int64 // [from, to) in local milliseconds
	// live reads the fact tables only, never segments (Options.Live).
	live bool
}

// MaxDays bounds a report's range; hourly series are limited to MaxHourDays.
const (
	MaxDays     = 366
	MaxHourDays = 31
)

// Range is the period a report covers.
type Range struct {
	From     string `json:"from"` // first day, YYYY-MM-DD
	To       string `json:"to"`   // last day, included
	Timezone string `json:"timezone"`
	Interval string `json:"interval"` // day or hour
	// BusinessHours says durations are counted in business hours only.
	BusinessHours bool `json:"business_hours"`
}

// resolve checks the filter and fixes its range; today is the local day
// number of now (used when From or To is empty: the last 30 days).
func (f *Filter) resolve(today int64) error {
	parse := func(field, v string, def int64) (int64, error) {
		if v == "" {
			return def, nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return 0, apperr.BadRequest("query parameter %s: %q is not a YYYY-MM-DD date", field, clip(v))
		}
		return t.Unix() / 86400, nil
	}
	to, err := parse("to", f.To, today)
	if err != nil {
		return err
	}
	from, err := parse("from", f.From, to-29)
	if err != nil {
		return err
	}
	if from > to {
		return apperr.BadRequest("query parameter from: must not be after to")
	}
	switch f.Interval {
	case "", "day":
		f.Interval = "day"
		if to-from+1 > MaxDays {
			return apperr.BadRequest("query parameter from: a report covers at most %d days", MaxDays)
		}
	case "hour":
		if to-from+1 > MaxHourDays {
			return apperr.BadRequest("query parameter interval: an hourly series covers at most %d days", MaxHourDays)
		}
	default:
		return apperr.BadRequest("query parameter interval: must be day or hour")
	}
	for field, v := range map[string]string{"opened_source": f.OpenedSource, "closed_source": f.ClosedSource, "category": f.Category} {
		if len(v) > 200 || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return apperr.BadRequest("query parameter %s: at most 200 characters of text", field)
		}
	}
	f.from, f.to = from*dayMs, (to+1)*dayMs
	f.From, f.To = dayString(from), dayString(to)
	return nil
}

// previous is the filter over the same-length period just before.
func (f Filter) previous() Filter {
	p := f
	n := f.to - f.from
	p.from, p.to = f.from-n, f.from
	p.From, p.To = dayString(p.from/dayMs), dayString(p.to/dayMs-1)
	p.Compare = false
	return p
}

func (f Filter) rng(tz string) Range {
	return Range{From: f.From, To: f.To, Timezone: tz, Interval: f.Interval, BusinessHours: f.BusinessHours}
}

func dayString(day int64) string { return time.Unix(day*86400, 0).UTC().Format(time.DateOnly) }

// label is a series point's label: YYYY-MM-DD, or YYYY-MM-DDTHH for hours.
func label(local int64, interval string) string {
	t := time.UnixMilli(local).UTC()
	if interval == "hour" {
		return t.Format("2006-01-02T15")
	}
	return t.Format(time.DateOnly)
}

// where is a condition on report_conversations (aliased c) for the facts
// whose date column (a *_local column) falls in the range, with the
// filter's other conditions.
func (f Filter) where(workspaceID int64, dateCol string) (string, []any) {
	conds := []string{"c.workspace_id = ?", "c.is_test = 0", "c." + dateCol + " >= ?", "c." + dateCol + " < ?"}
	args := []any{workspaceID, f.from, f.to}
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.TeamID != 0 {
		add("c.team_id = ?", f.TeamID)
	}
	if f.UserID != 0 {
		add("c.assignee_id = ?", f.UserID)
	}
	if f.ChannelID != 0 {
		add("c.channel_id = ?", f.ChannelID)
	}
	if f.OpenedSource != "" {
		add("c.opened_source = ?", f.OpenedSource)
	}
	if f.ClosedSource != "" {
		add("c.closed_source = ?", f.ClosedSource)
	}
	if f.Category != "" {
		add("c.category = ?", f.Category)
	}
	return strings.Join(conds, " AND "), args
}

// bucketExpr is the SQL of a series point (a local ms start) for a
// *_local column.
func (f Filter) bucketExpr(col string) string {
	size := int64(dayMs)
	if f.Interval == "hour" {
		size = 3_600_000
	}
	return fmt.Sprintf("(%s / %d) * %d", col, size, size)
}

// points lists every series point of the range, in order.
func (f Filter) points() []int64 {
	size := int64(dayMs)
	if f.Interval == "hour" {
		size = 3_600_000
	}
	var out []int64
	for t := f.from; t < f.to; t += size {
		out = append(out, t)
	}
	return out
}
