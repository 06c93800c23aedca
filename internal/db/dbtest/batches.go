package dbtest

import (
	"slices"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// RecordBatches has d's writers tell every batch they take from now on
// (db.DB.OnBatch) and returns what they told so far, batch by batch, in
// the order taken: how a test sees what was written together.
func RecordBatches(d *db.DB) func() [][]db.BatchJob {
	var mu sync.Mutex
	var batches [][]db.BatchJob
	d.OnBatch(func(jobs []db.BatchJob) {
		mu.Lock()
		defer mu.Unlock()
		batches = append(batches, slices.Clone(jobs))
	})
	return func() [][]db.BatchJob {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(batches)
	}
}
