package ratelimit

import "sync"

// InFlight caps how many requests of one key a node works on at once:
// the share of the node one workspace may take with its webhooks, so
// that a workspace sending as fast as it can does not fill the store's
// write queue ahead of the others (docs/configuration.md, "Webhook
// fairness"). A key is forgotten when its last request leaves, so the
// map holds only keys with requests in flight. A nil InFlight, or one
// of a zero cap, admits everything.
type InFlight[K comparable] struct {
	per int

	mu sync.Mutex
	n  map[K]int
}

// NewInFlight returns a cap of per requests in flight per key (0: no cap).
func NewInFlight[K comparable](per int) *InFlight[K] {
	return &InFlight[K]{per: per, n: map[K]int{}}
}

// Enter admits a request of key if key has fewer than the cap in flight;
// the request must then call leave, once, when it is done.
func (f *InFlight[K]) Enter(key K) (leave func(), ok bool) {
	if f == nil || f.per <= 0 {
		return func() {}, true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[key] >= f.per {
		return nil, false
	}
	f.n[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.n[key]--; f.n[key] <= 0 {
				delete(f.n, key)
			}
		})
	}, true
}

// Len returns how many keys have requests in flight.
func (f *InFlight[K]) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.n)
}
