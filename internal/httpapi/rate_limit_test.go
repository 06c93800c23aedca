package httpapi

import (
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// Each token has its own bucket: burst requests at once, then one per
// 1/rate seconds; a refusal says how long until the next is allowed.
func TestRateLimiterBuckets(t *testing.T) {
	c := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newRateLimiter(c, 2, 3, 100) // 2 a second, 3 at once
	for i := range 3 {
		if ok, _ := l.allow(1); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if ok, wait := l.allow(1); ok || wait != 500*time.Millisecond {
		t.Fatalf("past the burst: allowed %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow(2); !ok {
		t.Fatal("another token was refused")
	}
	c.Advance(200 * time.Millisecond)
	if ok, wait := l.allow(1); ok || wait != 300*time.Millisecond {
		t.Fatalf("200ms later: allowed %v, wait %v; want refused, 300ms", ok, wait)
	}
	c.Advance(300 * time.Millisecond)
	if ok, _ := l.allow(1); !ok {
		t.Fatal("refused once a request's worth had refilled")
	}
	if ok, _ := l.allow(1); ok {
		t.Fatal("allowed two requests on one refill")
	}
	c.Advance(time.Hour) // a long pause refills to the burst, not beyond
	for range 3 {
		l.allow(1)
	}
	if ok, _ := l.allow(1); ok {
		t.Fatal("a pause let more than the burst through")
	}
}

// The map forgets tokens gone idle (their bucket full again) once a
// minute, and never holds more than its bound.
func TestRateLimiterForgets(t *testing.T) {
	c := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newRateLimiter(c, 1, 5, 16)
	for k := range int64(10) {
		l.allow(k)
	}
	if n := l.size(); n != 10 {
		t.Fatalf("tracking %d tokens, want 10", n)
	}
	c.Advance(sweepEvery)
	l.allow(100)
	if n := l.size(); n != 1 {
		t.Fatalf("after a minute idle: tracking %d tokens, want only the new one", n)
	}
	for k := range int64(1000) { // all active at once
		l.allow(k)
		if n := l.size(); n > 16 {
			t.Fatalf("tracking %d tokens, above the bound of 16", n)
		}
	}
}
