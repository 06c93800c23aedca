package clock

import "time"

// Wall is t's local date and time of day read as the same figures in UTC:
// wall clock times compared and stepped without the zone's offsets, where
// a clock change makes a local time repeat or never happen (business
// hours, cron schedules).
func Wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
