package db

import "context"

// commitHook is an item queued for a hook run just before the commit
// (see BeforeCommit).
type commitHook struct {
	key  string
	item any
	run  func(ctx context.Context, t *Tx, items []any) error
}

// BeforeCommit queues item for fn, which runs once at the end of tx with
// every item queued under key, in the order queued: once every event
// appended in tx is inserted and AppendedEvents is complete, just before
// the commit. An error from fn fails the transaction, every write of its
// batch with it. A savepoint rolled back drops the items queued in it.
//
// It is for writes that need the ids of events a concurrent write put off
// (see AppendLater): asking for them earlier (FlushEvents) inserts the
// events, and an inserted event holds every reader of the log back, on
// every node, until its transaction ends (the event horizon), so the
// batch's other jobs would run with the readers held. The items of one
// key are written together, as the events are: one statement for a
// batch's jobs rather than one each, while the readers wait.
func BeforeCommit[T any](tx *Tx, key string, item T, fn func(ctx context.Context, tx *Tx, items []T) error) {
	tx.beforeCommit = append(tx.beforeCommit, commitHook{key: key, item: item, run: func(ctx context.Context, t *Tx, items []any) error {
		typed := make([]T, len(items))
		for i, it := range items {
			typed[i] = it.(T)
		}
		return fn(ctx, t, typed)
	}})
}

// runBeforeCommit runs the hooks queued by BeforeCommit, a key's once,
// in the order of each key's first item.
func (t *Tx) runBeforeCommit(ctx context.Context) error {
	if len(t.beforeCommit) == 0 {
		return nil
	}
	done := map[string]bool{}
	for i, h := range t.beforeCommit {
		if done[h.key] {
			continue
		}
		done[h.key] = true
		var items []any
		for _, o := range t.beforeCommit[i:] {
			if o.key == h.key {
				items = append(items, o.item)
			}
		}
		if err := h.run(ctx, t, items); err != nil {
			return err
		}
	}
	return nil
}
