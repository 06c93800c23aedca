//go:build race

package knowledge_test

// raceEnabled: see internal/report/race_on_test.go.
const raceEnabled = true
