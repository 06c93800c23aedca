package event

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// windowPage bounds one read of the log into a window.
const windowPage = 1024

// windowKeep is how many recent events a window keeps once it has grown
// to twice that: enough for every consumer of a busy node to find the
// events after its cursor there, a few megabytes of payloads at most.
const windowKeep = 4096

// window keeps the events a node read most recently, all types, so that
// the node's consumers share one read of each new event instead of each
// reading it again: one commit wakes every consumer at once, and before
// the window each ran its own query over the same rows, 12% of a SQLite
// node's CPU at full ingest. A range, once read, never changes: events
// are never deleted, and a consumer reads only up to a horizon below
// which nothing is still committing (see Consumer.pass), so the window
// holds every event in (lo, hi] and nothing else can appear there. The
// one rewrite of the log, the erasure of a deleted contact's events,
// starts the window again (db.DB.EventRewrites moves, on every node: see
// db.Tx.RewroteEvents).
//
// A reader behind the window (starting up, catching up on a long backlog,
// or a reports consumer rebuilding from the start) reads the log itself,
// with its types filtered in SQL, as before; once it reaches the window it
// reads from it.
type window struct {
	db *db.DB

	fetches atomic.Int64 // reads of the log into the window

	mu     sync.Mutex
	valid  bool
	lo, hi int64   // events holds every event with lo < id <= hi
	events []Event // in id order
	// rewrites is db.DB.EventRewrites when the window was started: an
	// erasure rewrote events it may hold, and it starts again.
	rewrites int64
}

// read returns the events in (after, through] that want accepts (every
// one when want is nil), at most limit, and reached, the id through which
// it looked: the last returned when limit was reached, else through. ok
// is false when after is behind the window, or further behind through
// than a window holds: the caller reads the log itself, its types
// filtered in SQL, rather than have every event of a long stretch read
// into the window. A caller must not pass a through above the event
// horizon.
func (w *window) read(ctx context.Context, after, through int64, want func(Event) bool, limit int) (events []Event, reached int64, ok bool, err error) {
	if through-after > windowKeep {
		return nil, 0, false, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if rw := w.db.EventRewrites(); !w.valid || after-w.hi > windowKeep || rw != w.rewrites {
		// Nothing kept, the caller far past it (its cursor moved by
		// another node), or events it holds erased since: the window
		// starts again from the caller.
		w.valid, w.lo, w.hi, w.events, w.rewrites = true, after, after, nil, rw
	}
	if after < w.lo {
		return nil, 0, false, nil
	}
	// A caller a little past the window (it caught up reading the log
	// itself) extends it: starting the window again from it would leave
	// the others behind, to read the log themselves past it in turn.
	for {
		upTo := min(through, w.hi)
		for _, e := range w.events[w.after(after):] {
			if e.ID > upTo {
				break
			}
			if want != nil && !want(e) {
				continue
			}
			events = append(events, e)
			if len(events) == limit {
				w.trim()
				return events, e.ID, true, nil
			}
		}
		if upTo == through {
			w.trim()
			return events, through, true, nil
		}
		// Held under the lock: the other consumers woken by the same
		// commit wait for this read and share it instead of running theirs.
		after = max(after, upTo)
		if err := w.fetch(ctx, through); err != nil {
			return nil, 0, false, err
		}
	}
}

// after returns the index of the first event after id in the window.
func (w *window) after(id int64) int {
	i, j := 0, len(w.events)
	for i < j {
		if h := int(uint(i+j) >> 1); w.events[h].ID <= id {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}

// fetch reads the log after the window, up to through and at most a page.
func (w *window) fetch(ctx context.Context, through int64) error {
	w.fetches.Add(1)
	page, err := listAllThrough(ctx, w.db.Reader(), w.hi, through, windowPage)
	if err != nil {
		return fmt.Errorf("event: read recent events: %w", err)
	}
	w.events = append(w.events, page...)
	w.hi = through
	if len(page) == windowPage {
		w.hi = page[len(page)-1].ID
	}
	return nil
}

// trim drops the oldest events once the window holds twice windowKeep.
func (w *window) trim() {
	if len(w.events) < 2*windowKeep {
		return
	}
	drop := len(w.events) - windowKeep
	w.lo = w.events[drop-1].ID
	w.events = append([]Event(nil), w.events[drop:]...)
}

// window returns the hub's window over d's log, made on first use: a hub
// normally serves one store, but nothing stops a test from waking
// consumers of two with one hub.
func (h *Hub) window(d *db.DB) *window {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.windows == nil {
		h.windows = map[*db.DB]*window{}
	}
	w := h.windows[d]
	if w == nil {
		w = &window{db: d}
		h.windows[d] = w
	}
	return w
}

// WindowReads returns how many times the hub's consumers of d read new
// events from the log into their shared window.
func (h *Hub) WindowReads(d *db.DB) int64 { return h.window(d).fetches.Load() }
