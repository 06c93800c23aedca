package channel

// OnTypingCallDone makes f run after each of t's provider calls, its
// outcome stored; set before the first Show.
func (t *TypingSigns) OnTypingCallDone(f func()) { t.callDone = f }
