package workspace

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// A bucket allows its burst, then one token per Per/Count; keys never
// share a bucket, and a refund gives a token back.
func TestLimiterBuckets(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := newLimiter(Rate{Count: 3, Per: 3 * time.Minute}, clk)
	for i := range 3 {
		if ok, _ := l.take("a"); !ok {
			t.Fatalf("take %d of the burst refused", i+1)
		}
	}
	if ok, wait := l.take("a"); ok || wait != time.Minute {
		t.Fatalf("take past the burst = %v, %v; want refused, 1m", ok, wait)
	}
	if ok, _ := l.take("b"); !ok {
		t.Fatal("another key is refused: keys share a bucket")
	}
	clk.Advance(30 * time.Second)
	if ok, wait := l.take("a"); ok || wait != 30*time.Second {
		t.Fatalf("half a refill later = %v, %v; want refused, 30s", ok, wait)
	}
	clk.Advance(30 * time.Second)
	if ok, _ := l.take("a"); !ok {
		t.Fatal("a refilled token is refused")
	}
	l.refund("a")
	if ok, _ := l.take("a"); !ok {
		t.Fatal("a refunded token is refused")
	}
	if ok, _ := newLimiter(NoLimit, clk).take("a"); !ok {
		t.Fatal("NoLimit refused")
	}
}

// The map forgets buckets that are full again and never holds more than
// its bound, even when every key is in use.
func TestLimiterForgetsAndStaysBounded(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_700_000_000, 0))
	l := newLimiter(Rate{Count: 2, Per: time.Minute}, clk)
	l.maxKeys = 10
	for i := range 25 {
		l.take(fmt.Sprint("key", i))
		if n := l.size(); n > l.maxKeys {
			t.Fatalf("after %d keys the map holds %d; bound %d", i+1, n, l.maxKeys)
		}
	}
	clk.Advance(time.Minute) // every bucket is full again
	l.take("new")
	if n := l.size(); n != 1 {
		t.Fatalf("after a refill the map holds %d buckets; want only the new one", n)
	}
}

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"not an address", "not an address"},
	} {
		if got := addressKey(tc.in); got != tc.want {
			t.Errorf("addressKey(%q) = %q; want %q", tc.in, got, tc.want)
		}
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
