package due_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// Claims made with WriteConcurrent (outbound jobs, webhook deliveries,
// media fetches) rest on the claim statement's row locks, not on the
// exclusive write lock: on PostgreSQL two nodes (two store handles), each
// with several claimers at once, must never lease one row twice, and
// between them must lease every row. Each row is due, then claimed for
// good (a lease that does not end).
func TestConcurrentClaimsLeaseEachRowOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			cfg := dbtest.Config(t, dialect)
			nodes := []*db.DB{dbtest.OpenConfig(t, cfg)}
			if dialect == db.Postgres {
				nodes = append(nodes, dbtest.OpenConfig(t, cfg)) // a second node on the same database
			}
			const rows = 300
			tbl := due.Table{Name: "due_test", Due: "due_at"}
			err := nodes[0].Write(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `CREATE TABLE due_test (id BIGINT PRIMARY KEY, due_at BIGINT NOT NULL, lease_until BIGINT NOT NULL DEFAULT 0, lease_node BIGINT NOT NULL DEFAULT 0)`); err != nil {
					return err
				}
				var values []string
				for i := 1; i <= rows; i++ {
					values = append(values, fmt.Sprintf("(%d, %d)", i, i%7))
				}
				_, err := tx.Exec(ctx, `INSERT INTO due_test (id, due_at) VALUES `+strings.Join(values, ", "))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			claimedBy := map[int64]int64{} // row -> claimer
			var wg sync.WaitGroup
			for n, d := range nodes {
				for w := range 6 {
					claimer := int64(n*100 + w + 1)
					wg.Go(func() {
						for {
							var ids []int64
							err := d.WriteConcurrent(ctx, func(tx *db.Tx) (err error) {
								ids, err = due.Claim(ctx, tx, tbl, 100, 1<<60, claimer, 7)
								return err
							})
							if err != nil {
								t.Error(err)
								return
							}
							if len(ids) == 0 {
								return
							}
							mu.Lock()
							for _, id := range ids {
								if prev, ok := claimedBy[id]; ok {
									t.Errorf("row %d leased by claimer %d and again by %d", id, prev, claimer)
								}
								claimedBy[id] = claimer
							}
							mu.Unlock()
						}
					})
				}
			}
			wg.Wait()
			if len(claimedBy) != rows {
				t.Errorf("%d rows leased, want %d", len(claimedBy), rows)
			}
			for id, claimer := range claimedBy {
				if n := dbtest.Count(t, nodes[0], `SELECT COUNT(*) FROM due_test WHERE id = ? AND lease_node = ?`, id, claimer); n != 1 {
					t.Fatalf("row %d: the store does not name claimer %d as its node", id, claimer)
				}
			}
		})
	}
}
