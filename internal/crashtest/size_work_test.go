package crashtest

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
)

// logStoreWork logs what the cluster asked of PostgreSQL over the proof:
// transactions committed and rolled back, events inserted, and how often
// the consumers' cursors moved (one update per batch, or per stretch of
// events a consumer passed over). On this CPU-bound 2-core machine the
// number of transactions is much of a run's cost: two changes that each
// cut lock waits made the proof slower by making batches smaller and more
// frequent (docs/benchmarks-history.md, "Proof at size"), and these counts tell
// that apart from a slower statement. The test's own reads are among the
// commits; the server's counters lag a backend by up to a second, which
// the nodes' graceful stop before this covers.
func logStoreWork(t *testing.T, st *sql.DB, contacts int) {
	t.Helper()
	var commits, rollbacks, events, cursorMoves int64
	err := st.QueryRow(`SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&commits, &rollbacks)
	if err == nil {
		err = st.QueryRow(`SELECT
			COALESCE((SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'events'), 0),
			COALESCE((SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'event_consumers'), 0)`).Scan(&events, &cursorMoves)
	}
	if err != nil {
		t.Logf("PostgreSQL's counters unread: %v", err)
		return
	}
	per := func(n int64) float64 { return float64(n) / float64(contacts) }
	t.Logf("PostgreSQL counted %d commits (%.1f per conversation), %d rollbacks, %d events inserted (%.1f per conversation), %d consumer cursor moves (%.1f per conversation)",
		commits, per(commits), rollbacks, events, per(events), cursorMoves, per(cursorMoves))
	if os.Getenv(envPGLog) != "" {
		logTopStatements(t, st, contacts)
	}
}

// logTopStatements logs the statements PostgreSQL ran most often and those
// it spent most time in, per conversation, from pg_stat_statements (loaded
// when the server's log is kept): which of the transactions counted above
// are worth removing.
func logTopStatements(t *testing.T, st *sql.DB, contacts int) {
	t.Helper()
	if _, err := st.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		t.Logf("pg_stat_statements unavailable: %v", err)
		return
	}
	for _, order := range []string{"calls", "total_exec_time"} {
		rows, err := st.Query(`SELECT calls, total_exec_time, query FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
			ORDER BY ` + order + ` DESC LIMIT 20`)
		if err != nil {
			t.Logf("pg_stat_statements unread: %v", err)
			return
		}
		var b strings.Builder
		for rows.Next() {
			var calls int64
			var ms float64
			var query string
			if err := rows.Scan(&calls, &ms, &query); err != nil {
				t.Logf("pg_stat_statements unread: %v", err)
				break
			}
			q := strings.Join(strings.Fields(query), " ")
			if len(q) > 160 {
				q = q[:160] + "…"
			}
			fmt.Fprintf(&b, "\n  %7.1f calls/conv %8.0f ms  %s", float64(calls)/float64(contacts), ms, q)
		}
		rows.Close()
		t.Logf("statements by %s:%s", order, b.String())
	}
}
