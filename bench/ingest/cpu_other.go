//go:build !unix

package main

import "time"

// selfCPU is not measured off Unix; the report then shows 0 for the client.
func selfCPU() time.Duration { return 0 }
