package db

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStmts bounds a statement cache: queries built with a varying
// IN list would otherwise grow it forever. Past it, queries run
// unprepared.
const maxCachedStmts = 512

// stmtCache keeps statements prepared on a pool, by query text. On
// SQLite, parsing the same statements again for every call was a fifth
// of the receive path's CPU on the writer and a tenth of a busy node's on
// the readers; database/sql prepares a cached statement on each pooled
// connection once and reuses it. pgx caches statements by itself, so only
// SQLite uses these.
type stmtCache struct {
	m sync.Map // query -> *sql.Stmt
	n atomic.Int32
}

// get returns q's statement if it is cached.
func (c *stmtCache) get(q string) (*sql.Stmt, bool) {
	st, ok := c.m.Load(q)
	if !ok {
		return nil, false
	}
	return st.(*sql.Stmt), true
}

// prepare returns q's statement, preparing it on pool and keeping it if
// it is not cached yet; nil when the cache is full or q does not prepare
// (the unprepared path then reports the error).
func (c *stmtCache) prepare(ctx context.Context, pool *sql.DB, q string) *sql.Stmt {
	if st, ok := c.get(q); ok {
		return st
	}
	if c.n.Load() >= maxCachedStmts {
		return nil
	}
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	if prev, loaded := c.m.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	c.n.Add(1)
	return st
}

func (c *stmtCache) close() {
	c.m.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
}
