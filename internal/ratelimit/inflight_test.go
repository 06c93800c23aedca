package ratelimit

import (
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

const quiet = time.Second

func newFakeInFlight(per int) (*InFlight[int64], *clock.Fake) {
	c := clock.NewFake(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	return NewInFlight[int64](c, per, quiet), c
}

// admit enters n requests of key and fails unless each is admitted.
func admit(t *testing.T, f *InFlight[int64], key int64, n int) []func() {
	t.Helper()
	var leaves []func()
	for i := range n {
		leave, ok := f.Enter(key)
		if !ok {
			t.Fatalf("request %d of key %d refused", i+1, key)
		}
		leaves = append(leaves, leave)
	}
	return leaves
}

// refuse fails unless a request of key is refused; why says what
// admitting it would mean.
func refuse(t *testing.T, f *InFlight[int64], key int64, why string) {
	t.Helper()
	if _, ok := f.Enter(key); ok {
		t.Fatal(why)
	}
}

func TestInFlightCapsEachKeyWhileAnotherIsActive(t *testing.T) {
	f, _ := newFakeInFlight(2)
	b := admit(t, f, 2, 1)
	a := admit(t, f, 1, 2)
	refuse(t, f, 1, "key 1 admitted a third request while key 2 has one in flight, cap 2")
	if _, ok := f.Enter(2); !ok {
		t.Fatal("key 2 refused while key 1 is at its cap: one key's share must not take another's")
	}
	a[0]()
	a[0]() // leaving twice frees one slot only
	admit(t, f, 1, 1)
	refuse(t, f, 1, "key 1 admitted past its cap after a double leave")
	b[0]()
}

// A key alone holds nobody up: it is not capped, and the cap comes back
// as soon as another key is active.
func TestInFlightLeavesALoneKeyUncapped(t *testing.T) {
	f, c := newFakeInFlight(2)
	a := admit(t, f, 1, 10)
	b := admit(t, f, 2, 1)
	refuse(t, f, 1, "key 1 admitted an 11th request while key 2 has one in flight")
	b[0]()
	c.Advance(quiet - time.Millisecond)
	refuse(t, f, 1, "key 1 admitted past its cap less than the quiet time after key 2's last request left")
	c.Advance(time.Millisecond)
	admit(t, f, 1, 1) // key 2 has been quiet for the quiet time: key 1 is alone
	for _, leave := range a {
		leave()
	}
	// Key 1 active now: key 2 is held to the cap.
	admit(t, f, 2, 2)
	refuse(t, f, 2, "key 2 admitted past its cap while key 1 is active")
}

func TestInFlightForgetsInactiveKeys(t *testing.T) {
	f, c := newFakeInFlight(1)
	for k := range int64(5) {
		admit(t, f, k, 1)[0]()
	}
	held := admit(t, f, 9, 1)
	c.Advance(quiet)
	admit(t, f, 8, 1)[0]() // sweeps
	if n := f.Len(); n != 2 {
		t.Fatalf("%d keys tracked, want 2 (9 in flight, 8 just left)", n)
	}
	held[0]()
	c.Advance(quiet)
	admit(t, f, 7, 1)
	if n := f.Len(); n != 1 {
		t.Fatalf("%d keys tracked after a quiet time, want 1 (7 in flight)", n)
	}
}

func TestInFlightWithoutCap(t *testing.T) {
	var nilCap *InFlight[int64]
	zero, _ := newFakeInFlight(0)
	for _, f := range []*InFlight[int64]{nilCap, zero} {
		admit(t, f, 2, 1)
		admit(t, f, 1, 100)
	}
}

func TestInFlightConcurrent(t *testing.T) {
	const per = 3
	f, _ := newFakeInFlight(per)
	neighbour := admit(t, f, 8, 1) // so key 7 is capped throughout
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 200 {
				leave, ok := f.Enter(7)
				if !ok {
					continue
				}
				mu.Lock()
				inside++
				most = max(most, inside)
				mu.Unlock()
				mu.Lock()
				inside--
				mu.Unlock()
				leave()
			}
		})
	}
	wg.Wait()
	neighbour[0]()
	if most > per {
		t.Fatalf("%d requests of one key inside at once, cap %d", most, per)
	}
	if most == 0 {
		t.Fatal("no request of key 7 was admitted")
	}
}
