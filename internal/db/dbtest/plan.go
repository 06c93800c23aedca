package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
)

var planNames atomic.Int64

// GenericPlan returns PostgreSQL's generic plan of query (EXPLAIN's text)
// on a fresh store: the plan a prepared statement keeps reusing once the
// server stops planning it per call, made before the tables have any
// statistics, which is when a plan that scans a whole table per row looks
// cheapest. literals are the parameters as SQL text, one per placeholder
// (e.g. `'{1,2}'::bigint[]`); a generic plan does not look at them. The
// test is skipped when no PostgreSQL server is configured.
func GenericPlan(t *testing.T, query string, literals ...string) string {
	t.Helper()
	if !slices.Contains(Dialects(), db.Postgres) {
		t.Skip("needs PostgreSQL (" + EnvPostgres + ")")
	}
	return GenericPlanOn(t, Open(t, db.Postgres), query, literals...)
}

// GenericPlanOn is GenericPlan on d, a PostgreSQL store the test has
// filled (and analyzed) as it needs.
func GenericPlanOn(t *testing.T, d *db.DB, query string, literals ...string) string {
	t.Helper()
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
		if plan, err = db.Collect(rows, func(rows *sql.Rows) (string, error) {
			var line string
			return line, rows.Scan(&line)
		}); err != nil {
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
