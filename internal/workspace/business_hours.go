package workspace

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Weekdays are the keys of BusinessHours, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// MaxIntervalsPerDay bounds the opening intervals of one weekday.
const MaxIntervalsPerDay = 4

// BusinessHours are when the workspace is open, per weekday ("mon" …
// "sun"), in the workspace's time zone. A weekday that is missing or has
// no interval is closed. Reports use them; routing does not.
type BusinessHours map[string][]Interval

// Interval is one opening, "HH:MM" to "HH:MM" the same day, open before
// close.
type Interval struct {
	Open  string `json:"open"`
	Close string `json:"close"`
}

var clockTime = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)

// validate checks the hours: known weekdays, well-formed times, each
// interval open before close, a day's intervals in order without overlap.
func (h BusinessHours) validate() error {
	for day := range h {
		if !slices.Contains(Weekdays, day) {
			return apperr.Invalid("business_hours", "%q is not a weekday (mon, tue, wed, thu, fri, sat, sun)", clipKey(day))
		}
	}
	for _, day := range Weekdays {
		list := h[day]
		if len(list) > MaxIntervalsPerDay {
			return apperr.Invalid("business_hours."+day, "holds %d intervals; at most %d are allowed", len(list), MaxIntervalsPerDay)
		}
		prev := ""
		for i, iv := range list {
			field := fmt.Sprintf("business_hours.%s[%d]", day, i)
			if !clockTime.MatchString(iv.Open) || iv.Open == "24:00" {
				return apperr.Invalid(field+".open", "must be a time HH:MM from 00:00 to 23:59")
			}
			if !clockTime.MatchString(iv.Close) {
				return apperr.Invalid(field+".close", "must be a time HH:MM from 00:01 to 24:00")
			}
			if iv.Close <= iv.Open {
				return apperr.Invalid(field+".close", "must be after the opening time %s", iv.Open)
			}
			if prev != "" && iv.Open < prev {
				return apperr.Invalid(field+".open", "overlaps the interval before it, which closes at %s", prev)
			}
			prev = iv.Close
		}
	}
	return nil
}

func clipKey(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// encode is the stored JSON of the hours, without closed days.
func (h BusinessHours) encode() string {
	out := BusinessHours{}
	for day, list := range h {
		if len(list) > 0 {
			out[day] = list
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// parseBusinessHours reads the stored JSON; ” is no hours (every day
// closed).
func parseBusinessHours(s string) BusinessHours {
	h := BusinessHours{}
	if s != "" {
		json.Unmarshal([]byte(s), &h)
	}
	return h
}
