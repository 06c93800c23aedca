package dbtest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
)

var planNames atomic.Int64

// GenericPlan returns PostgreSQL's generic plan of query (EXPLAIN's text):
// the plan a prepared statement keeps reusing once the server stops
// planning it per call, made from the statistics of d's tables now. A
// fresh store has none, which is when a plan that scans a whole table per
// row looks cheapest. literals are the parameters as SQL text, one per
// placeholder (e.g. `'{1,2}'::bigint[]`); a generic plan does not look at
// them.
func GenericPlan(t testing.TB, d *db.DB, query string, literals ...string) string {
	t.Helper()
	if d.Dialect != db.Postgres {
		t.Fatal("dbtest: GenericPlan needs a PostgreSQL store")
	}
	ctx := context.Background()
	name := fmt.Sprintf("generic_plan_%d", planNames.Add(1))
	var plan []string
	err := d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `PREPARE `+name+` AS `+d.Rebind(query)); err != nil {
			return err
		}
		args := ""
		if len(literals) > 0 {
			args = "(" + strings.Join(literals, ", ") + ")"
		}
		rows, err := tx.Query(ctx, `EXPLAIN EXECUTE `+name+args)
		if err != nil {
			return err
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				rows.Close()
				return err
			}
			plan = append(plan, line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DEALLOCATE `+name)
		return err
	})
	if err != nil {
		t.Fatalf("generic plan: %v", err)
	}
	return strings.Join(plan, "\n")
}
