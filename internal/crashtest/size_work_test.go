package crashtest

import (
	"database/sql"
	"testing"
)

// logStoreWork logs what the cluster asked of PostgreSQL over the proof:
// transactions committed and rolled back, events inserted, and how often
// the consumers' cursors moved (one update per batch, or per stretch of
// events a consumer passed over). On this CPU-bound 2-core machine the
// number of transactions is much of a run's cost: two changes that each
// cut lock waits made the proof slower by making batches smaller and more
// frequent (docs/benchmarks.md, "Proof at size"), and these counts tell
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
}
