package workspace

import (
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// A rate of Count per Per is a bucket of Count tokens refilled by one
// every Per/Count (the buckets themselves: internal/ratelimit); NoLimit
// limits nothing.
func TestLimiterOfARate(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := newLimiter(Rate{Count: 3, Per: 3 * time.Minute}, clk)
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("take %d of the burst refused", i+1)
		}
	}
	if ok, wait := l.Take("a"); ok || wait != time.Minute {
		t.Fatalf("take past the burst = %v, %v; want refused, 1m", ok, wait)
	}
	clk.Advance(time.Minute)
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("a refilled token is refused")
	}
	if ok, _ := newLimiter(NoLimit, clk).Take("a"); !ok {
		t.Fatal("NoLimit refused")
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		ok   bool
	}{
		{"10/15m", Rate{10, 15 * time.Minute}, true},
		{"30/1m", Rate{30, time.Minute}, true},
		{"5/1m30s", Rate{5, 90 * time.Second}, true},
		{"off", NoLimit, true},
		{"0", NoLimit, true},
		{"10", Rate{}, false},
		{"-1/1m", Rate{}, false},
		{"10/0s", Rate{}, false},
		{"ten/1m", Rate{}, false},
	} {
		got, err := ParseRate(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok {
			if again, err := ParseRate(got.String()); err != nil || again != got {
				t.Errorf("ParseRate(%q.String() = %q) = %v, %v", tc.in, got.String(), again, err)
			}
		}
	}
}
