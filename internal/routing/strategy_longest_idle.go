package routing

import "cmp"

// byLongestIdle orders by the time of the last assignment, oldest (or
// never) first, then by id.
func byLongestIdle(a, b candidate) int {
	return cmp.Or(cmp.Compare(a.lastAssigned, b.lastAssigned), cmp.Compare(a.id, b.id))
}
