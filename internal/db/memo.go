package db

// Memo returns what read returns for key, reading it once per
// transaction: a group-committed batch runs many writes in one
// transaction, and a row each of them reads but few change (a
// workspace's settings) is then read once for the batch instead of once
// per write. A write that changes what read reads calls Forget in the
// same transaction; a savepoint rolled back forgets everything, since the
// writes undone may have been read.
//
// On SQLite the transaction sees no one else's writes, so the value is
// what a read would return. On PostgreSQL (read committed) a later read
// could see another node's commit of the meantime; the memo answers as
// of the batch's first read instead, a few milliseconds earlier — use it
// only for what a write would also have read once at its start.
func Memo[T any](t *Tx, key any, read func() (T, error)) (T, error) {
	if v, ok := t.memo[key]; ok {
		return v.(T), nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	if t.memo == nil {
		t.memo = map[any]any{}
	}
	t.memo[key] = v
	return v, nil
}

// Forget drops key's memo (see Memo): the transaction changed it.
func (t *Tx) Forget(key any) { delete(t.memo, key) }
