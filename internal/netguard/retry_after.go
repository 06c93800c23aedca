package netguard

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryAfter reads a Retry-After header of an answer: delta-seconds
// ("120") or an HTTP-date. A date is measured from the answer's own Date
// header when it has one, so the two clocks need not agree; from now
// otherwise. It reports false when the header is absent, unreadable, or
// not in the future.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0, false
		}
		// Beyond a day, the exact figure no longer matters and the
		// multiplication below could overflow.
		return time.Duration(min(secs, 86400)) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	if d := at.Sub(now); d > 0 {
		return d, true
	}
	return 0, false
}
