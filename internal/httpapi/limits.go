package httpapi

import "time"

// Limits bound what one client can take of a node. The zero value limits
// nothing; DefaultLimits are what `switchboard serve` starts with.
type Limits struct {
	// BodyTimeout bounds how long a client may take to send a request
	// body, counted from when the handler starts, just after the headers
	// arrived; a body not read in time is answered 408. Zero: no bound.
	BodyTimeout time.Duration
	// StreamsPerUser caps the live event streams one user (or one
	// workspace token) keeps open on this node; StreamsPerNode caps them
	// all. Beyond either, a new stream is answered 429. Zero: no cap.
	StreamsPerUser, StreamsPerNode int
	// Rate is how many requests a second each API token may make on this
	// node on average, and Burst how many at once (429 beyond). Zero Rate:
	// no limit.
	Rate  float64
	Burst int
}

// DefaultLimits are generous enough that a person, an integration or
// the benchmarks never meet them; they stop one runaway client from
// taking a node.
func DefaultLimits() Limits {
	return Limits{BodyTimeout: 30 * time.Second, StreamsPerUser: 10, StreamsPerNode: 2000, Rate: 50, Burst: 200}
}
