package workspace

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
)

// limiter is a token bucket per key, in this node's memory: a key may
// spend rate.Count tokens at once, refilled steadily at rate.Count per
// rate.Per. A bucket that is full again is the same as no bucket, so it
// is forgotten; the map never holds more than maxKeys buckets.
type limiter struct {
	rate    Rate
	clock   clock.Clock
	maxKeys int

	mu        sync.Mutex
	buckets   map[string]*bucket
	nextSweep time.Time
}

// bucket holds the tokens a key had at a moment.
type bucket struct {
	tokens float64
	at     time.Time
}

// limiterKeys bounds each limiter's memory (about 100 bytes a key). When
// full, a key is dropped at random: an attacker cycling through addresses
// then gets fresh buckets, but nobody is locked out by a full map.
const limiterKeys = 50_000

func newLimiter(r Rate, c clock.Clock) *limiter {
	return &limiter{rate: r, clock: c, maxKeys: limiterKeys, buckets: map[string]*bucket{}}
}

// level returns b's tokens at now.
func (l *limiter) level(b *bucket, now time.Time) float64 {
	refill := float64(now.Sub(b.at)) / float64(l.rate.Per) * float64(l.rate.Count)
	return min(float64(l.rate.Count), b.tokens+refill)
}

// take spends one of key's tokens. When none is left it reports how long
// until one is.
func (l *limiter) take(key string) (ok bool, retryAfter time.Duration) {
	if l.rate.off() {
		return true, 0
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: float64(l.rate.Count), at: now}
		l.buckets[key] = b
	}
	tokens := l.level(b, now)
	if tokens < 1 {
		return false, time.Duration((1 - tokens) * float64(l.rate.Per) / float64(l.rate.Count))
	}
	b.tokens, b.at = tokens-1, now
	return true, 0
}

// refund gives back a token taken for an attempt that turned out not to
// count (a sign-in that succeeded).
func (l *limiter) refund(key string) {
	if l.rate.off() {
		return
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		b.tokens, b.at = min(float64(l.rate.Count), l.level(b, now)+1), now
	}
}

// makeRoom forgets full buckets, at most once per rate period or when the
// map is full, and drops random ones while it is still full.
func (l *limiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.maxKeys && now.Before(l.nextSweep) {
		return
	}
	l.nextSweep = now.Add(l.rate.Per)
	for k, b := range l.buckets {
		if l.level(b, now) >= float64(l.rate.Count) {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.maxKeys {
			break
		}
		delete(l.buckets, k)
	}
}

// size returns how many buckets the limiter holds.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// signInLimits are the two limits on failed sign-ins: per email and per
// client address.
type signInLimits struct {
	email, addr *limiter
}

func newSignInLimits(opts Options) *signInLimits {
	return &signInLimits{email: newLimiter(opts.SignInPerEmail, opts.Clock), addr: newLimiter(opts.SignInPerAddress, opts.Clock)}
}

// reserve takes a token for the email and one for the address before a
// password is checked, so parallel attempts count too. release gives them
// back: a sign-in that succeeds never counts against anyone.
func (l *signInLimits) reserve(email, addr string) (release func(), err error) {
	emailKey, addrKey := limitKey(email, 320), addressKey(addr)
	if ok, wait := l.email.take(emailKey); !ok {
		return nil, apperr.TooMany(wait, "too many failed sign-ins for this email; try again later")
	}
	if addrKey != "" {
		if ok, wait := l.addr.take(addrKey); !ok {
			l.email.refund(emailKey)
			return nil, apperr.TooMany(wait, "too many failed sign-ins from your address; try again later")
		}
	}
	return func() {
		l.email.refund(emailKey)
		if addrKey != "" {
			l.addr.refund(addrKey)
		}
	}, nil
}

// addressKey is the bucket of a client address. IPv6 clients are counted
// per /64, the block one subscriber usually holds, so that walking through
// one's own addresses does not reset the limit.
func addressKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return limitKey(addr, 64)
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// limitKey bounds a key's length, so that the map's memory is bounded too.
func limitKey(s string, n int) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > n {
		s = s[:n]
	}
	return s
}
