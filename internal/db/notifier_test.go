package db

import (
	"maps"
	"testing"
)

// News told while a NOTIFY is on its way is merged into the next one: the
// newest event id, and the earliest due time of each kind of work, so no
// listener misses a wake-up it would have had from one NOTIFY per commit.
func TestNotifierMergesNews(t *testing.T) {
	n := &notifier{d: &DB{origin: "o1"}, wake: make(chan struct{}, 1)}
	n.tell(7, map[string]int64{"outbound": 90})
	n.tell(5, map[string]int64{"outbound": 40, "webhook": 12})
	n.tell(0, map[string]int64{"webhook": 30})
	if !n.pending || n.last != 7 {
		t.Fatalf("pending %v, last %d: want true, 7 (the newest event told)", n.pending, n.last)
	}
	if want := map[string]int64{"outbound": 40, "webhook": 12}; !maps.Equal(n.due, want) {
		t.Fatalf("due = %v, want %v (the earliest of each kind)", n.due, want)
	}
	if len(n.wake) != 1 {
		t.Fatalf("%d wake-ups queued, want 1: the loop sends everything pending at once", len(n.wake))
	}
}
