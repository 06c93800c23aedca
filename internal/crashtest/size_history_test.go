package crashtest

import (
	"database/sql"
	"fmt"
	"strings"
)

// convHistory tells what happened to a conversation left open that no
// agent holds: its runs (status, step, what they wait for, error), the
// steps each took, and the conversation's events in order — enough to
// tell a run that stopped at a step from one whose answer never reached
// it, or an assignment the routing never made. The 3-node proof at
// 20,000 conversations ended once with one such conversation whose run
// never finished, and said no more than "assignee 0".
func convHistory(st *sql.DB, conv int64) string {
	var b strings.Builder
	rows, err := st.Query(`SELECT id, status, step, wake_at, lease_node, error, created_at, updated_at FROM workflow_runs WHERE conversation_id = $1 ORDER BY id`, conv)
	if err != nil {
		return "history: " + err.Error()
	}
	var runs []int64
	for rows.Next() {
		var id, wake, node, created, updated int64
		var status, step, errText string
		if err := rows.Scan(&id, &status, &step, &wake, &node, &errText, &created, &updated); err != nil {
			rows.Close()
			return "history: " + err.Error()
		}
		runs = append(runs, id)
		fmt.Fprintf(&b, "run %d %s at step %q (wake_at %d, lease node %d, error %q, created %d, updated %d); ", id, status, step, wake, node, errText, created, updated)
	}
	rows.Close()
	for _, run := range runs {
		fmt.Fprintf(&b, "run %d steps: %s; ", run, joinRows(st, `SELECT step || ':' || type || '->' || exit || CASE WHEN error <> '' THEN '!' || error ELSE '' END FROM workflow_run_steps WHERE run_id = $1 ORDER BY id`, run))
	}
	fmt.Fprintf(&b, "events: %s", joinRows(st, `SELECT CAST(id AS TEXT) || ' ' || type FROM events WHERE conversation_id = $1 ORDER BY id`, conv))
	return b.String()
}

// joinRows runs a one-column query and joins its values with commas.
func joinRows(st *sql.DB, query string, arg int64) string {
	rows, err := st.Query(query, arg)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var vals []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err.Error()
		}
		vals = append(vals, v)
	}
	return "[" + strings.Join(vals, ", ") + "]"
}
