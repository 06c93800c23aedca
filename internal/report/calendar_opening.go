package report

import "time"

// openingSearchDays bounds how far NextOpening looks: a year of holidays
// and closed weekdays and then some.
const openingSearchDays = 400

// NextOpening is when the calendar next opens after now: the first
// opening of a weekday's interval, not on a holiday, that comes after now.
// It answers false when the calendar is open at now, has no hours, or
// opens in none of the next openingSearchDays days.
func (c Calendar) NextOpening(now time.Time) (time.Time, bool) {
	if !c.HasHours() {
		return time.Time{}, false
	}
	at := now.UnixMilli()
	local := now.In(c.Loc)
	// Local dates stepped as dates in UTC (see BusinessMs), from the day
	// before now's: an interval to 24:00 that began yesterday is not open
	// now, but an interval of yesterday's date can still end after now
	// where the clocks fall back.
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	for range openingSearchDays {
		if !c.Holidays[day.Format(time.DateOnly)] {
			var next int64
			for _, iv := range c.Hours[day.Weekday()] {
				open, closeAt := c.wallTime(day, iv[0]), c.wallTime(day, iv[1])
				if open <= at && at < closeAt {
					return time.Time{}, false
				}
				if open > at && (next == 0 || open < next) {
					next = open
				}
			}
			if next != 0 {
				return time.UnixMilli(next).UTC(), true
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}
