package outbound

import (
	"fmt"
	"time"
)

// The bounds an operator's retry backoff must keep (serve's
// --send-retry-delay and --send-retry-max-delay): a first retry sooner
// than MinBaseDelay would hammer an integrator that is down, and a wait
// longer than MaxRetryDelay would leave a message pending for days
// before it is failed.
const (
	MinBaseDelay  = 10 * time.Millisecond
	MaxRetryDelay = 24 * time.Hour
)

// CheckBackoff validates an operator's retry backoff: the first retry's
// delay and the cap of the doubling delays. Zero means the default
// (DefaultBaseDelay, DefaultMaxDelay, or the base delay if that is
// longer); the error names the setting by its flag.
func CheckBackoff(base, maxDelay time.Duration) error {
	first := base
	if first == 0 {
		first = DefaultBaseDelay
	}
	switch {
	case base < 0 || maxDelay < 0:
		return fmt.Errorf("--send-retry-delay and --send-retry-max-delay must not be negative (0 takes the default)")
	case base != 0 && base < MinBaseDelay:
		return fmt.Errorf("--send-retry-delay %s is too short: at least %s, or 0 for the default %s", base, MinBaseDelay, DefaultBaseDelay)
	case base > MaxRetryDelay || maxDelay > MaxRetryDelay:
		return fmt.Errorf("--send-retry-delay and --send-retry-max-delay must be at most %s", MaxRetryDelay)
	case maxDelay != 0 && maxDelay < first:
		return fmt.Errorf("--send-retry-max-delay %s is shorter than the first retry's delay (--send-retry-delay) %s: "+
			"the delays double from the first up to the cap", maxDelay, first)
	}
	return nil
}
