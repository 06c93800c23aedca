//go:build race

package crashtest

// raceEnabled builds the child with -race too: its packages are then
// already compiled by this test's build, and the detector watches the
// server under load for free.
const raceEnabled = true
