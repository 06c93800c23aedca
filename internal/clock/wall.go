package clock

import (
	"fmt"
	"time"
)

// Wall is t's local date and time of day read as the same figures in UTC:
// wall clock times compared and stepped without the zone's offsets, where
// a clock change makes a local time repeat or never happen (business
// hours, cron schedules).
func Wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// Zone loads a time zone a user named: an IANA name such as Europe/Paris
// or UTC. time.LoadLocation also takes "" (UTC) and "Local", the zone of
// whichever node reads it, so that one setting would mean different
// hours on different machines (and browsers know neither): both are
// refused.
func Zone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return time.LoadLocation(name)
}
