package routing

import "cmp"

// byLeastOpen orders by open conversations, then by longest idle (the
// oldest last assignment), then by id so the order is total.
func byLeastOpen(a, b candidate) int {
	return cmp.Or(cmp.Compare(a.open, b.open), cmp.Compare(a.lastAssigned, b.lastAssigned), cmp.Compare(a.id, b.id))
}
