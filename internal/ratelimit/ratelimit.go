// Package ratelimit is a token bucket per key, in a node's memory: what
// limits sign-in attempts and API requests. Each node counts on its own,
// so a limit protects a node from one runaway client; it is not a quota.
package ratelimit

import (
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// sweepEvery is how often buckets gone idle are forgotten.
const sweepEvery = time.Minute

// Limiter gives each key a bucket of burst tokens, refilled by one every
// refill. A bucket left alone until it is full again holds nothing worth
// keeping, so idle buckets are forgotten (once a minute, and whenever the
// map is full), and the map never holds more than max buckets. A nil
// Limiter allows everything.
type Limiter[K comparable] struct {
	clock  clock.Clock
	burst  float64
	refill time.Duration
	max    int

	mu      sync.Mutex
	buckets map[K]*bucket
	swept   time.Time
}

// bucket is a key's tokens, as they were at time at.
type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter of burst tokens per key, one more every refill,
// tracking at most maxKeys keys; c is its clock (nil: the real one).
func New[K comparable](c clock.Clock, burst int, refill time.Duration, maxKeys int) *Limiter[K] {
	c = clock.OrReal(c)
	return &Limiter[K]{clock: c, burst: float64(max(burst, 1)), refill: max(refill, time.Nanosecond), max: maxKeys,
		buckets: map[K]*bucket{}, swept: c.Now()}
}

// Take spends one of key's tokens. When none is left it reports how long
// until one is.
func (l *Limiter[K]) Take(key K) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= sweepEvery {
		l.forgetIdle(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.makeRoom(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens, b.at = l.level(b, now), now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.refill))
	}
	b.tokens--
	return true, 0
}

// Refund gives back a token taken for something that turned out not to
// count (a sign-in that succeeded).
func (l *Limiter[K]) Refund(key K) {
	if l == nil {
		return
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		b.tokens, b.at = min(l.burst, l.level(b, now)+1), now
	}
}

// Size returns how many keys the limiter tracks.
func (l *Limiter[K]) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// level is what b holds at now.
func (l *Limiter[K]) level(b *bucket, now time.Time) float64 {
	return min(l.burst, b.tokens+float64(max(0, now.Sub(b.at)))/float64(l.refill))
}

// forgetIdle drops the buckets that have filled up again.
func (l *Limiter[K]) forgetIdle(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		if l.level(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// makeRoom frees room in a full map: the idle buckets, or else an eighth
// of the buckets (map order is random), so that more active keys than the
// bound do not cost a sweep on every Take. A key dropped while active
// starts again with a full bucket: nobody is locked out by a full map.
func (l *Limiter[K]) makeRoom(now time.Time) {
	l.forgetIdle(now)
	for k := range l.buckets {
		if len(l.buckets) < l.max-l.max/8 {
			return
		}
		delete(l.buckets, k)
	}
}
