package workflow

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/contact"
)

// parseAnswer validates a reply to a question of s's type and returns its
// value, or a short reason it is not valid.
func parseAnswer(s *askQuestion, text string) (any, string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, "empty answer"
	}
	switch s.Type {
	case "text":
		return text, ""
	case "multiple_choice":
		// An option's own text first: with options 3, 6 and 12 (a quick
		// reply sends the option's text), "3" is the option 3, not the
		// third one.
		for _, o := range s.Options {
			if strings.EqualFold(o, text) {
				return o, ""
			}
		}
		if n, err := strconv.Atoi(text); err == nil && n >= 1 && n <= len(s.Options) {
			return s.Options[n-1], ""
		}
		return nil, "not one of the options"
	case "number":
		f, ok := contact.ParseNumber(text)
		if !ok {
			return nil, "not a number"
		}
		if s.Min != nil && f < *s.Min {
			return nil, fmt.Sprintf("less than %v", *s.Min)
		}
		if s.Max != nil && f > *s.Max {
			return nil, fmt.Sprintf("more than %v", *s.Max)
		}
		return f, ""
	case "date":
		for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02.01.2006"} {
			if t, err := time.Parse(layout, text); err == nil {
				return t.Format("2006-01-02"), ""
			}
		}
		return nil, "not a date (YYYY-MM-DD or DD/MM/YYYY)"
	case "phone":
		p, err := contact.NormalizePhone(text)
		if err != nil || p == "" {
			return nil, "not a phone number in international format"
		}
		return p, ""
	case "email":
		e, err := contact.NormalizeEmail(text)
		if err != nil || e == "" {
			return nil, "not an email address"
		}
		return e, ""
	case "url":
		u, err := url.ParseRequestURI(text)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, "not a web address"
		}
		return u.String(), ""
	case "rating":
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 || n > 5 {
			return nil, "not a rating from 1 to 5"
		}
		return float64(n), ""
	case "location":
		// A shared location comes as its coordinates' text (locationText).
		lat, lng, ok := strings.Cut(text, ",")
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
		// !(x <= y) rather than x > y, so NaN (which ParseFloat reads) is
		// refused too.
		if !ok || err1 != nil || err2 != nil || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180) {
			return nil, "not a location"
		}
		return map[string]any{"latitude": la, "longitude": lo}, ""
	}
	return nil, "unknown answer type"
}

// locationText is a location message's coordinates as a typed answer
// would give them ("48.8584, 2.2945"), read from its content; "" when it
// has none. A shared location has no text of its own.
func locationText(content json.RawMessage) string {
	var c struct {
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
	}
	if json.Unmarshal(content, &c) != nil || c.Latitude == nil || c.Longitude == nil {
		return ""
	}
	return strconv.FormatFloat(*c.Latitude, 'f', -1, 64) + ", " + strconv.FormatFloat(*c.Longitude, 'f', -1, 64)
}
