package crashtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// verifyWorkflows checks, on the restarted node, that the demo's inbound
// workflow survived the kills: once no run is left running (the node
// catches up within settle), every conversation a contact opened has
// exactly one run, and each run's first step — the welcome message — was
// executed and sent exactly once, whether the kill came before, during or
// after it. A run lost to a kill, or a step replayed after one, fails.
func verifyWorkflows(t *testing.T, st *sql.DB, settle time.Duration, logFile string) {
	t.Helper()
	ctx := context.Background()
	count := func(q string) int {
		t.Helper()
		var n int
		if err := st.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	deadline := time.Now().Add(settle)
	for {
		running := count(`SELECT COUNT(*) FROM workflow_runs WHERE status = 'running'`)
		opened := count(`SELECT COUNT(*) FROM conversations`)
		welcomed := count(`SELECT COUNT(DISTINCT conversation_id) FROM workflow_run_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE s.step = 'welcome'`)
		if running == 0 && welcomed == opened {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s after the restart: %d runs still running, %d of %d conversations welcomed\nstuck runs:\n%s\nthe server's log:\n%s",
				settle, running, welcomed, opened, stuckRuns(st), logTail(logFile))
		}
		time.Sleep(200 * time.Millisecond)
	}
	checks := []struct{ what, query string }{
		{"conversations without exactly one run",
			`SELECT COUNT(*) FROM conversations c WHERE (SELECT COUNT(*) FROM workflow_runs r WHERE r.conversation_id = c.id) <> 1`},
		{"runs whose welcome step ran other than once",
			`SELECT COUNT(*) FROM workflow_runs r WHERE (SELECT COUNT(*) FROM workflow_run_steps s WHERE s.run_id = r.id AND s.step = 'welcome') <> 1`},
		{"conversations whose welcome message was sent other than once",
			`SELECT COUNT(*) FROM conversations c WHERE (SELECT COUNT(*) FROM messages m
				WHERE m.conversation_id = c.id AND m.direction = 'out' AND m.text LIKE 'Hi %') <> 1`},
		{"failed runs", `SELECT COUNT(*) FROM workflow_runs WHERE status = 'failed'`},
	}
	for _, c := range checks {
		if n := count(c.query); n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
	t.Logf("workflows: %d runs, none lost or repeated", count(`SELECT COUNT(*) FROM workflow_runs`))
}

// stuckRuns describes the runs still running, for a failure message.
func stuckRuns(st *sql.DB) string {
	rows, err := st.Query(`SELECT id, step, wake_at, lease_until, lease_node, data FROM workflow_runs WHERE status = 'running' LIMIT 10`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, wake, lease, node int64
		var step, data string
		rows.Scan(&id, &step, &wake, &lease, &node, &data)
		fmt.Fprintf(&b, "run %d at %q wake_at=%d lease_until=%d lease_node=%d data=%.200s\n", id, step, wake, lease, node, data)
	}
	return b.String()
}
