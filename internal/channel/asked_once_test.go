package channel

import (
	"strconv"
	"testing"
)

func TestAskedOnce(t *testing.T) {
	var a AskedOnce
	if !a.First(1, "ada") || a.First(1, "ada") {
		t.Fatal("a contact is asked about once")
	}
	if !a.First(2, "ada") {
		t.Fatal("the same id on another channel is another contact")
	}
	// Past the bound the oldest are forgotten (and may be asked again),
	// the newest remembered.
	for i := range askedOnceMax {
		a.First(3, strconv.Itoa(i))
	}
	if !a.First(1, "ada") {
		t.Fatal("the oldest contact is still remembered past the bound")
	}
	if a.First(3, strconv.Itoa(askedOnceMax-1)) {
		t.Fatal("the newest contact was forgotten")
	}
	if len(a.seen) > askedOnceMax || len(a.order) != len(a.seen) {
		t.Fatalf("remembers %d (order %d), bound %d", len(a.seen), len(a.order), askedOnceMax)
	}
}
