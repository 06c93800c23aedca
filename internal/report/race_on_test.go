//go:build race

package report_test

// raceEnabled shrinks the scripted volumes under the race detector. It
// makes the SQLite driver (C translated to Go) about ten times slower,
// and these tests' few goroutines race no more with 2,000 conversations
// than with a few hundred; `make test-go` also runs them at full size
// without it.
const raceEnabled = true
