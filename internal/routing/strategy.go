package routing

import "slices"

// order returns the qualifying candidates (in id order) best first for
// the strategy; the claim takes the first whose state still holds.
// rrLast is the round-robin position of the queue.
func order(strategy string, qualified []candidate, rrLast int64) []candidate {
	out := slices.Clone(qualified)
	switch strategy {
	case LeastOpen:
		slices.SortStableFunc(out, byLeastOpen)
	case LongestIdle:
		slices.SortStableFunc(out, byLongestIdle)
	default:
		out = roundRobinOrder(out, rrLast)
	}
	return out
}

// why says, for the reason, what made the chosen candidate first.
func why(strategy string, chosen candidate, rrLast int64) string {
	switch strategy {
	case LeastOpen:
		return "fewest open conversations, then longest idle"
	case LongestIdle:
		return "longest idle since their last assignment"
	}
	if rrLast == 0 {
		return "first in the round-robin rotation"
	}
	return "next in the round-robin rotation after the last assignee"
}
