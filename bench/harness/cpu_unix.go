//go:build unix

package harness

import (
	"syscall"
	"time"
)

// SelfCPU is the user+system CPU time this process (the load generator)
// has used so far.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
