package event

import "sync"

// Hub wakes in-process consumers of the log after a commit that appended
// events, so live streams and engines react at once instead of polling.
// A wake-up carries no data: the consumer reads the log after its cursor,
// which is what makes a missed or merged wake-up harmless.
type Hub struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[chan struct{}]struct{}{}} }

// Notify wakes every subscriber; it never blocks.
func (h *Hub) Notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default: // already has a pending wake-up
		}
	}
}

// Subscribe returns a channel that receives after new events commit, and a
// function that unsubscribes.
func (h *Hub) Subscribe() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[c] = struct{}{}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}
}
