package ratelimit

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// A bucket allows its burst, then one token per refill; keys never share
// a bucket; a refusal says how long until the next token; a refund gives
// a token back; a long pause refills to the burst, not beyond.
func TestBuckets(t *testing.T) {
	c := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	l := New[string](c, 3, time.Minute, 100)
	for i := range 3 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("take %d of the burst refused", i+1)
		}
	}
	if ok, wait := l.Take("a"); ok || wait != time.Minute {
		t.Fatalf("take past the burst = %v, %v; want refused, 1m", ok, wait)
	}
	if ok, _ := l.Take("b"); !ok {
		t.Fatal("another key is refused: keys share a bucket")
	}
	c.Advance(20 * time.Second)
	if ok, wait := l.Take("a"); ok || wait != 40*time.Second {
		t.Fatalf("a third of a refill later = %v, %v; want refused, 40s", ok, wait)
	}
	c.Advance(40 * time.Second)
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("a refilled token is refused")
	}
	if ok, _ := l.Take("a"); ok {
		t.Fatal("two tokens taken on one refill")
	}
	l.Refund("a")
	if ok, _ := l.Take("a"); !ok {
		t.Fatal("a refunded token is refused")
	}
	c.Advance(time.Hour)
	for range 3 {
		l.Take("a")
	}
	if ok, _ := l.Take("a"); ok {
		t.Fatal("a pause let more than the burst through")
	}
	var none *Limiter[string]
	if ok, _ := none.Take("a"); !ok {
		t.Fatal("a nil limiter refused")
	}
}

// The map forgets keys gone idle (their bucket full again) once a minute,
// and never holds more than its bound, even when every key is in use.
func TestForgetsAndStaysBounded(t *testing.T) {
	c := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	l := New[int](c, 5, time.Second, 16)
	for k := range 10 {
		l.Take(k)
	}
	if n := l.Size(); n != 10 {
		t.Fatalf("tracking %d keys, want 10", n)
	}
	c.Advance(sweepEvery)
	l.Take(100)
	if n := l.Size(); n != 1 {
		t.Fatalf("after a minute idle: tracking %d keys, want only the new one", n)
	}
	for k := range 1000 { // all active at once
		l.Take(k)
		if n := l.Size(); n > 16 {
			t.Fatalf("tracking %d keys, above the bound of 16", n)
		}
	}
	s := New[string](c, 2, 30*time.Second, 10)
	for i := range 25 {
		s.Take(fmt.Sprint("key", i))
		if n := s.Size(); n > 10 {
			t.Fatalf("after %d keys the map holds %d; bound 10", i+1, n)
		}
	}
}
