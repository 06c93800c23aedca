//go:build race

package workflow

// raceEnabled: see internal/report/race_on_test.go.
const raceEnabled = true
