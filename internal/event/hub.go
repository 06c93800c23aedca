package event

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Hub wakes in-process consumers of the log after a commit that appended
// events, so live streams and engines react at once instead of polling.
// It remembers the newest event id it heard of, so a consumer whose cursor
// is already there skips reading the log at all. A wake-up carries no
// other data: the consumer reads the log after its cursor, which is what
// makes a missed or merged wake-up harmless.
type Hub struct {
	last     atomic.Int64
	notifies atomic.Int64

	mu        sync.Mutex
	next      int
	subs      map[int]func()
	consumers []*Consumer // woken by it, for their lag (see LagCollector)
	leases    *Leases     // when set, its consumers run only while they hold their lease
	windows   map[*db.DB]*window
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[int]func(){}} }

// Notify records that events up to last have committed and wakes every
// subscriber; it never blocks. Register it with db.DB.OnEvents.
func (h *Hub) Notify(last int64) {
	for {
		cur := h.last.Load()
		if last <= cur || h.last.CompareAndSwap(cur, last) {
			break
		}
	}
	h.notifies.Add(1)
	h.mu.Lock()
	fns := make([]func(), 0, len(h.subs))
	for _, fn := range h.subs {
		fns = append(fns, fn)
	}
	h.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Last returns the id of the newest event the hub heard of (0: none yet).
func (h *Hub) Last() int64 { return h.last.Load() }

// Notifies returns how many times the hub was notified: an idle node's
// count does not move.
func (h *Hub) Notifies() int64 { return h.notifies.Load() }

// OnNotify calls fn after every Notify until the returned function is
// called. fn must not block.
func (h *Hub) OnNotify(fn func()) (unsubscribe func()) {
	h.mu.Lock()
	id := h.next
	h.next++
	h.subs[id] = fn
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		delete(h.subs, id)
		h.mu.Unlock()
	}
}

// UseLeases makes the hub's consumers run only while this node holds
// their lease (see Leases): on PostgreSQL, where several nodes share the
// log. Call it before they run. Without it (SQLite, one node) every
// consumer runs.
func (h *Hub) UseLeases(l *Leases) {
	h.mu.Lock()
	h.leases = l
	h.mu.Unlock()
}

// Leases returns the leases given by UseLeases, or nil.
func (h *Hub) Leases() *Leases {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.leases
}

// addConsumer records a consumer the hub wakes.
func (h *Hub) addConsumer(c *Consumer) {
	h.mu.Lock()
	h.consumers = append(h.consumers, c)
	h.mu.Unlock()
}

// Consumers returns the consumers the hub wakes, in the order they were made.
func (h *Hub) Consumers() []*Consumer {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.consumers)
}

// Subscribe returns a channel that receives after new events commit
// (merged: one pending wake-up at most), and a function that unsubscribes.
func (h *Hub) Subscribe() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	return c, h.OnNotify(func() {
		select {
		case c <- struct{}{}:
		default: // already has a pending wake-up
		}
	})
}
