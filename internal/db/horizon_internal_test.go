package db

import "testing"

// The horizon never goes back on one store handle: a query answering
// lower than a horizon already seen (a writer that read the sequence
// before it and locked after it) is answered with the one seen.
func TestHorizonNeverGoesBack(t *testing.T) {
	d := &DB{}
	for _, c := range []struct{ query, want int64 }{{10, 10}, {14, 14}, {12, 14}, {14, 14}, {20, 20}, {0, 20}} {
		if got := d.raiseHorizon(c.query); got != c.want {
			t.Fatalf("the query answered %d: horizon %d, want %d", c.query, got, c.want)
		}
	}
}
