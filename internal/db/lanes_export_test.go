package db

// OnBatch has f told the lanes (workspaces) of every batch the writers
// take from now on, in the order they are taken.
func (d *DB) OnBatch(f func(lanes []int64)) {
	c := d.committer
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onBatch = f
}

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
