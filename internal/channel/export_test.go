package channel

// OnSignCallDone makes f run after each of s's provider calls, its
// outcome stored; set before the first sign.
func (s *Signs) OnSignCallDone(f func()) { s.callDone = f }

// SignCallsInFlight is how many of s's provider calls hold a slot.
func (s *Signs) SignCallsInFlight() int { return len(s.slots) }
