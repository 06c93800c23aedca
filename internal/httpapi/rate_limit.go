package httpapi

import (
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// maxRateBuckets bounds the tokens a node tracks at once (about 64 bytes
// each). Only a node with more tokens active within one refill time than
// this ever forgets an active one, which then starts again with a full
// burst.
const maxRateBuckets = 100_000

// rateLimiter is a token bucket per API token, in this node's memory:
// each token may make rate requests a second on average and burst at
// once. Each node allows that much on its own, so the limit protects a
// node from one runaway client; it is not a quota.
//
// A bucket left alone until it is full again holds nothing worth keeping,
// so such idle buckets are forgotten: once a minute, and whenever the map
// is full.
type rateLimiter struct {
	clock clock.Clock
	rate  float64 // tokens added per second
	burst float64 // what a bucket holds at most
	max   int     // buckets kept at most

	mu      sync.Mutex
	buckets map[int64]*bucket
	swept   time.Time
}

// bucket is one token's allowance, as it was at time at.
type bucket struct {
	tokens float64
	at     time.Time
}

// sweepEvery is how often idle buckets are forgotten.
const sweepEvery = time.Minute

func newRateLimiter(c clock.Clock, rate float64, burst, maxBuckets int) *rateLimiter {
	c = clock.OrReal(c)
	return &rateLimiter{clock: c, rate: rate, burst: float64(max(burst, 1)), max: maxBuckets, buckets: map[int64]*bucket{},
		swept: c.Now()}
}

// allow spends one request of key's allowance. When none is left it says
// how long until one is.
func (l *rateLimiter) allow(key int64) (bool, time.Duration) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= sweepEvery {
		l.forgetIdle(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.makeRoom(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = l.level(b, now)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// level is what b holds at now.
func (l *rateLimiter) level(b *bucket, now time.Time) float64 {
	return min(l.burst, b.tokens+max(0, now.Sub(b.at).Seconds())*l.rate)
}

// forgetIdle drops the buckets that have filled up again.
func (l *rateLimiter) forgetIdle(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		if l.level(b, now) >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// makeRoom frees room in a full map: the idle buckets, or else an eighth
// of the buckets (map order is random), so that a node with more active
// tokens than max does not sweep on every request.
func (l *rateLimiter) makeRoom(now time.Time) {
	l.forgetIdle(now)
	for k := range l.buckets {
		if len(l.buckets) < l.max-l.max/8 {
			return
		}
		delete(l.buckets, k)
	}
}

// size returns how many tokens are tracked.
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
