package db

// QueuedWrites is how many writes wait for a writer.
func (d *DB) QueuedWrites() int {
	c := d.committer
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.excl.n + c.shared.n
}

// WriteClosed reports whether the store refuses new writes.
func (d *DB) WriteClosed() bool {
	c := d.committer
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Writers is how many batches the store writes at once.
func Writers(d *DB) int {
	if d.Dialect == Postgres {
		return pgWriters
	}
	return 1
}

// MaxBatch is the most jobs one batch holds.
func MaxBatch(d *DB) int { return d.committer.maxBatch }

// FairShare is the weight a lane with work adds to a batch's bound when
// several have work.
func FairShare(d *DB) int { return fairShareOf(d.committer.maxBatch) }
