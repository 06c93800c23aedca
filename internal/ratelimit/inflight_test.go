package ratelimit

import (
	"sync"
	"testing"
)

func TestInFlightCapsEachKey(t *testing.T) {
	f := NewInFlight[int64](2)
	a1, ok1 := f.Enter(1)
	a2, ok2 := f.Enter(1)
	_, ok3 := f.Enter(1)
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("three requests of key 1 with a cap of 2: admitted %v %v %v, want true true false", ok1, ok2, ok3)
	}
	b1, ok := f.Enter(2)
	if !ok {
		t.Fatal("key 2 refused while key 1 is at its cap: one key's share must not take another's")
	}
	a1()
	a1() // leaving twice frees one slot only
	if _, ok := f.Enter(1); !ok {
		t.Fatal("key 1 refused after one of its requests left")
	}
	if _, ok := f.Enter(1); ok {
		t.Fatal("key 1 admitted past its cap after a double leave")
	}
	a2()
	b1()
	if n := f.Len(); n != 1 {
		t.Fatalf("%d keys tracked, want 1 (key 2 has nothing in flight)", n)
	}
}

func TestInFlightWithoutCap(t *testing.T) {
	var nilCap *InFlight[string]
	for _, f := range []*InFlight[string]{nilCap, NewInFlight[string](0)} {
		for range 100 {
			if _, ok := f.Enter("k"); !ok {
				t.Fatal("refused without a cap")
			}
		}
	}
}

func TestInFlightConcurrent(t *testing.T) {
	const per = 3
	f := NewInFlight[int](per)
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
	if most > per {
		t.Fatalf("%d requests of one key inside at once, cap %d", most, per)
	}
	if f.Len() != 0 {
		t.Fatalf("%d keys left tracked after every request left", f.Len())
	}
}
