package workspace

import (
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clientaddr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/ratelimit"
)

// limiterKeys bounds each sign-in limit's memory (about 100 bytes a
// key). When full, keys are dropped at random: an attacker cycling
// through addresses then gets fresh buckets, but nobody is locked out by
// a full map.
const limiterKeys = 50_000

// newLimiter returns the limiter of r: a bucket of r.Count tokens per key,
// one more every r.Per/r.Count; nil (no limit) when r is off.
func newLimiter(r Rate, c clock.Clock) *ratelimit.Limiter[string] {
	if r.off() {
		return nil
	}
	return ratelimit.New[string](c, r.Count, r.Per/time.Duration(r.Count), limiterKeys)
}

// signInLimits are the two limits on failed sign-ins: per email and per
// client address. Requests for a password-reset link have two of their
// own, at the same rates (see newResetLimits).
type signInLimits struct {
	email, addr *ratelimit.Limiter[string]
	what        string // what is counted, as the 429 says it
}

func newSignInLimits(opts Options) *signInLimits {
	return &signInLimits{email: newLimiter(opts.SignInPerEmail, opts.Clock), addr: newLimiter(opts.SignInPerAddress, opts.Clock),
		what: "failed sign-ins"}
}

// newResetLimits are the limits on requests for a password-reset link:
// the sign-in limits' rates in buckets of their own, so that asking for
// links never holds anyone's sign-in back, nor failing to sign in the
// way to a link.
func newResetLimits(opts Options) *signInLimits {
	l := newSignInLimits(opts)
	l.what = "password-reset requests"
	return l
}

// reserve takes a token for the email and one for the address before a
// password is checked, so parallel attempts count too. release gives them
// back: a sign-in that succeeds never counts against anyone.
func (l *signInLimits) reserve(email, addr string) (release func(), err error) {
	emailKey, addrKey := limitKey(email, 320), addressKey(addr)
	if ok, wait := l.email.Take(emailKey); !ok {
		return nil, apperr.TooMany(wait, "too many %s for this email; try again later", l.what)
	}
	if addrKey != "" {
		if ok, wait := l.addr.Take(addrKey); !ok {
			l.email.Refund(emailKey)
			return nil, apperr.TooMany(wait, "too many %s from your address; try again later", l.what)
		}
	}
	return func() {
		l.email.Refund(emailKey)
		if addrKey != "" {
			l.addr.Refund(addrKey)
		}
	}, nil
}

// addressKey is the bucket of a client address: its subscriber's block
// (an IPv6 client is counted per /64), of bounded length.
func addressKey(addr string) string { return limitKey(clientaddr.Subscriber(addr), 64) }

// limitKey bounds a key's length, so that the map's memory is bounded too.
func limitKey(s string, n int) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > n {
		s = s[:n]
	}
	return s
}
