package ratelimit

import (
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// InFlight caps how many requests of one key a node works on at once
// while other keys are active: the share of the node one workspace may
// take with its webhooks when it is not alone, so that a workspace
// sending as fast as it can does not fill the store's write queue ahead
// of the others (docs/configuration.md, "Webhook fairness"). A key alone
// on the node is not capped: there is nobody for it to hold up, and a cap
// would only cut its group commits short.
//
// A key is active while it has requests in flight and for quiet after
// its last one left, so a neighbour sending one request at a time counts
// between its requests too. Keys are forgotten once inactive (swept at
// most once per quiet, so one may linger up to twice that). A nil
// InFlight, or one of a zero cap, admits everything.
type InFlight[K comparable] struct {
	per   int
	quiet time.Duration
	clock clock.Clock

	mu    sync.Mutex
	keys  map[K]*flight
	swept time.Time
}

// flight is one key's requests in flight, and when the last one left.
type flight struct {
	n    int
	left time.Time
}

// NewInFlight returns a cap of per requests in flight per key (0: no
// cap), applied to a key while another key has requests in flight or had
// one within quiet; c is its clock (nil: the real one).
func NewInFlight[K comparable](c clock.Clock, per int, quiet time.Duration) *InFlight[K] {
	c = clock.OrReal(c)
	return &InFlight[K]{per: per, quiet: quiet, clock: c, keys: map[K]*flight{}, swept: c.Now()}
}

// Enter admits a request of key unless key has the cap in flight while
// another key is active; an admitted request must then call leave, once,
// when it is done.
func (f *InFlight[K]) Enter(key K) (leave func(), ok bool) {
	if f == nil || f.per <= 0 {
		return func() {}, true
	}
	now := f.clock.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.swept) >= f.quiet {
		f.forgetInactive(now)
	}
	fl := f.keys[key]
	if fl == nil {
		fl = &flight{}
		f.keys[key] = fl
	}
	if fl.n >= f.per && f.othersActive(key, now) {
		return nil, false
	}
	fl.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			left := f.clock.Now()
			f.mu.Lock()
			defer f.mu.Unlock()
			fl.n--
			fl.left = left
		})
	}, true
}

// othersActive reports whether a key other than key is active at now.
// Under mu.
func (f *InFlight[K]) othersActive(key K, now time.Time) bool {
	for k, fl := range f.keys {
		if k != key && fl.active(now, f.quiet) {
			return true
		}
	}
	return false
}

// forgetInactive drops the keys no longer active. Under mu.
func (f *InFlight[K]) forgetInactive(now time.Time) {
	for k, fl := range f.keys {
		if !fl.active(now, f.quiet) {
			delete(f.keys, k)
		}
	}
	f.swept = now
}

func (fl *flight) active(now time.Time, quiet time.Duration) bool {
	return fl.n > 0 || now.Sub(fl.left) < quiet
}

// Len returns how many keys are tracked: active ones, and inactive ones
// not swept yet.
func (f *InFlight[K]) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.keys)
}
