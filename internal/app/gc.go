package app

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target of a node when GOGC is not
// set. A node's live heap is small (tens of MB) and its allocation rate
// high, so with Go's default of 100 it collected several times a second;
// at 400 the ingest benchmark acknowledged 15–20% more messages per second
// with a fifth less CPU per message, for a heap that stays in the low
// hundreds of MB.
const GCPercent = 400

// TuneGC applies GCPercent unless GOGC is set (GOGC and GOMEMLIMIT win).
// `serve` calls it, and so do the in-process benchmarks, so they measure
// a node as it runs.
func TuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(GCPercent)
	}
}
