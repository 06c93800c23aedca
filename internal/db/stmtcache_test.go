package db

import (
	"context"
	"fmt"
	"testing"
)

// The statement caches stay bounded however many distinct queries run
// (IN lists of every length), and queries past the bound still run,
// unprepared; reads and writes alike.
func TestStatementCachesAreBounded(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := range maxCachedStmts + 100 {
		q := fmt.Sprintf("SELECT %d", i)
		var n int
		if err := d.Reader().QueryRow(ctx, q).Scan(&n); err != nil || n != i {
			t.Fatalf("read %q = %d, %v", q, n, err)
		}
		if err := d.Write(ctx, func(tx *Tx) error { return tx.QueryRow(ctx, q).Scan(&n) }); err != nil || n != i {
			t.Fatalf("write-side %q = %d, %v", q, n, err)
		}
	}
	for name, c := range map[string]*stmtCache{"read": &d.readStmts, "write": &d.writeStmts} {
		if n := c.n.Load(); n != maxCachedStmts {
			t.Errorf("%s cache holds %d statements, want the bound %d", name, n, maxCachedStmts)
		}
	}
}
