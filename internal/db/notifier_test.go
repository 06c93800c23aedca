package db

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// News told while a NOTIFY is on its way is merged into the next one: the
// newest event id, the earliest due time of each kind of work, and whether
// any of the commits rewrote events, so no listener misses a wake-up (or
// an erasure) it would have had from one NOTIFY per commit.
func TestNotifierMergesNews(t *testing.T) {
	n := &notifier{d: &DB{origin: "o1"}, wake: make(chan struct{}, 1)}
	n.tell(7, map[string]int64{"outbound": 90}, false)
	n.tell(5, map[string]int64{"outbound": 40, "webhook": 12}, true)
	n.tell(0, map[string]int64{"webhook": 30}, false)
	if !n.pending || n.last != 7 || !n.rewrote {
		t.Fatalf("pending %v, last %d, rewrote %v: want true, 7 (the newest event told), true", n.pending, n.last, n.rewrote)
	}
	if p := n.payloads(); len(p) != 1 || !strings.HasPrefix(p[0], "o:o1 r e:7 ") {
		t.Fatalf("payloads %q: want one, with the rewrite before the events", p)
	}
	if want := map[string]int64{"outbound": 40, "webhook": 12}; !maps.Equal(n.due, want) {
		t.Fatalf("due = %v, want %v (the earliest of each kind)", n.due, want)
	}
	if len(n.wake) != 1 {
		t.Fatalf("%d wake-ups queued, want 1: the loop sends everything pending at once", len(n.wake))
	}
}

// Broadcasts ride the notifier's NOTIFYs after the news, in the order
// they were made, split so that no payload reaches PostgreSQL's limit,
// each payload naming its origin (so the sender's own listener skips it).
func TestNotifierCarriesBroadcastsInOrder(t *testing.T) {
	n := &notifier{d: &DB{origin: "o1"}, wake: make(chan struct{}, 1)}
	n.tell(9, nil, false)
	var want []string
	for i := range 400 {
		item := fmt.Sprintf("b:typing:%d-%s", i, strings.Repeat("x", 40))
		want = append(want, item)
		n.broadcast(item)
	}
	payloads := n.payloads()
	if len(payloads) < 2 {
		t.Fatalf("%d payloads for %d bytes of broadcasts: want them split", len(payloads), 400*50)
	}
	var got []string
	for i, p := range payloads {
		if len(p) >= 8000 {
			t.Fatalf("payload %d is %d bytes: PostgreSQL refuses 8,000", i, len(p))
		}
		items := strings.Fields(p)
		if items[0] != "o:o1" {
			t.Fatalf("payload %d starts with %q, want the origin", i, items[0])
		}
		if i == 0 && items[1] != "e:9" {
			t.Fatalf("the first payload carries %q, want the news first (e:9)", items[1])
		}
		for _, it := range items[1:] {
			if strings.HasPrefix(it, "b:") {
				got = append(got, it)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("broadcasts sent out of order or lost: %d of %d", len(got), len(want))
	}
}

// A server that stops answering (a failover whose old address is gone, a
// partition) must not hold the notifier for good: each NOTIFY is bounded,
// so a stopping node closes its store, and later news goes out on a new
// connection. Unbounded, the send waited for TCP to give up (minutes),
// every commit's news queued behind it, and the node's shutdown hung.
func TestNotifierGivesUpOnAServerThatNeverAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// Accepts, reads nothing and answers nothing.
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	defer func(d time.Duration) { notifyTimeout = d }(notifyTimeout)
	notifyTimeout = 50 * time.Millisecond
	n := newNotifier(&DB{url: "postgres://u@" + ln.Addr().String() + "/db?sslmode=disable&connect_timeout=0", origin: "o1"})
	n.tell(1, nil, false)
	closed := make(chan struct{})
	go func() { n.close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(time.Minute):
		t.Fatal("closing the store waited for a server that never answers")
	}
}
