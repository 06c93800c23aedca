package outbound

import (
	"strings"
	"testing"
	"time"
)

func TestCheckBackoff(t *testing.T) {
	tests := []struct {
		name      string
		base, max time.Duration
		wantErr   string // "" when valid
	}{
		{"defaults", 0, 0, ""},
		{"a faster first retry", 50 * time.Millisecond, 0, ""},
		{"both set", 50 * time.Millisecond, 200 * time.Millisecond, ""},
		{"equal", time.Second, time.Second, ""},
		{"a cap above the default first delay", 0, 2 * time.Second, ""},
		{"the longest", MaxRetryDelay, MaxRetryDelay, ""},
		{"negative delay", -time.Second, 0, "must not be negative"},
		{"negative cap", 0, -time.Second, "must not be negative"},
		{"too short", time.Millisecond, 0, "too short"},
		{"too long", 25 * time.Hour, 0, "at most 24h0m0s"},
		{"cap too long", 0, 25 * time.Hour, "at most 24h0m0s"},
		{"cap below the delay", time.Second, 500 * time.Millisecond, "shorter than the first retry's delay"},
		{"cap below the default delay", 0, 500 * time.Millisecond, "shorter than the first retry's delay (--send-retry-delay) 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBackoff(tt.base, tt.max)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("CheckBackoff(%s, %s) = %v, want nil", tt.base, tt.max, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("CheckBackoff(%s, %s) = %v, want an error saying %q", tt.base, tt.max, err, tt.wantErr)
			}
		})
	}
}

// TestBackoffGrowsToItsCap checks the delays a dispatcher waits between
// attempts: from half to all of the base delay doubled per failure,
// never past the cap — the operator's setting (--send-retry-delay,
// --send-retry-max-delay) as the defaults.
func TestBackoffGrowsToItsCap(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		base, max time.Duration // what the options mean
	}{
		{"defaults", Options{}, DefaultBaseDelay, DefaultMaxDelay},
		{"set", Options{BaseDelay: 50 * time.Millisecond, MaxDelay: 300 * time.Millisecond}, 50 * time.Millisecond, 300 * time.Millisecond},
		{"a base above the default cap", Options{BaseDelay: 10 * time.Minute}, 10 * time.Minute, 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dispatcher{opts: tt.opts}
			d.opts.defaultDelays()
			for n := 1; n <= 12; n++ {
				full := tt.base << (n - 1)
				if full > tt.max || full <= 0 {
					full = tt.max
				}
				for range 20 {
					if got := d.backoff(n); got < full/2 || got > full {
						t.Fatalf("backoff after failure %d = %s, want within [%s, %s]", n, got, full/2, full)
					}
				}
			}
		})
	}
}
