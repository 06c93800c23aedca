//go:build !unix

package harness

import "time"

// SelfCPU is not measured off Unix; the report then shows 0 for the client.
func SelfCPU() time.Duration { return 0 }
