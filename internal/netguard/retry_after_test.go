package netguard

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	date := func(t time.Time) string { return t.Format(http.TimeFormat) }
	tests := []struct {
		name       string
		retryAfter string
		dateHeader string
		want       time.Duration
		ok         bool
	}{
		{"absent", "", "", 0, false},
		{"seconds", "120", "", 2 * time.Minute, true},
		{"seconds with spaces", " 7 ", "", 7 * time.Second, true},
		{"zero", "0", "", 0, false},
		{"negative", "-5", "", 0, false},
		{"huge", "99999999999999999", "", 24 * time.Hour, true},
		{"garbage", "soon", "", 0, false},
		{"date from now", date(now.Add(90 * time.Second)), "", 90 * time.Second, true},
		{"date from the answer's Date", date(now.Add(time.Hour)), date(now.Add(50 * time.Minute)), 10 * time.Minute, true},
		{"date in the past", date(now.Add(-time.Minute)), "", 0, false},
		{"RFC 850 date", now.Add(time.Minute).Format(time.RFC850), "", time.Minute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.retryAfter != "" {
				h.Set("Retry-After", tt.retryAfter)
			}
			if tt.dateHeader != "" {
				h.Set("Date", tt.dateHeader)
			}
			got, ok := RetryAfter(h, now)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("RetryAfter(%q, Date %q) = %v, %v; want %v, %v", tt.retryAfter, tt.dateHeader, got, ok, tt.want, tt.ok)
			}
		})
	}
}
