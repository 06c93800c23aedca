package workflow

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// /metrics shows the runs not yet ended by status, counts those that
// ended by final status, and times the steps by type.
func TestEngineMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := metrics.New()
		m.Register(f.eng.Collector())
		value := func(sample string) float64 { return metricstest.Value(t, m, sample) }

		steps := `[{"id": "hi", "type": "send_message", "settings": {"text": "Hello"}, "exits": {"next": "q"}},
			{"id": "q", "type": "ask_question", "settings": {"question": "Name?", "answer_type": "text"}}]`
		run, _ := f.runSteps(steps)
		if run.Status != StatusWaitingReply {
			t.Fatalf("run %s", run.Status)
		}
		f.runSteps(`[{"id": "hi", "type": "send_message", "settings": {"text": "Bye"}}]`)
		for status, want := range map[string]float64{StatusWaitingReply: 1, StatusRunning: 0, StatusWaitingTimer: 0} {
			if got := value(`switchboard_workflow_runs{status="` + status + `"}`); got != want {
				t.Errorf("runs %s: %v, want %v", status, got, want)
			}
		}
		if got := value(`switchboard_workflow_step_seconds_count{type="send_message"}`); got != 2 {
			t.Errorf("send_message steps timed: %v, want 2", got)
		}
		if got := value(`switchboard_workflow_step_seconds_count{type="ask_question"}`); got != 1 {
			t.Errorf("ask_question steps timed: %v, want 1", got)
		}
		// The second run finished; the engine's consumer counts it when
		// it reads the run's end from the log, the waiting one not.
		f.idle()
		if got := value(`switchboard_workflow_runs_ended_total{status="finished"}`); got != 1 {
			t.Errorf("runs ended finished: %v, want 1", got)
		}
		if got := value(`switchboard_workflow_runs_ended_total{status="waiting_reply"}`); got != 0 {
			t.Errorf("a waiting run counted as ended: %v", got)
		}
	})
}

// A read of the runs gauge that breaks after some rows (a lost
// connection, the timeout) fails the scrape rather than reporting 0 for
// the statuses not read yet.
func TestEngineMetricsBrokenRunsReadFailsTheScrape(t *testing.T) {
	// SQLite streams the GROUP BY of an index-ordered table, so the first
	// status's row is out before the next status's rows are read; a
	// PostgreSQL plan reads all its input before the first row.
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	// workflow_runs becomes a view on a table of the columns the gauge
	// reads, whose second status's second row overflows abs() while it is
	// read, after the first status's row is out.
	err := d.Write(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`ALTER TABLE workflow_runs RENAME TO workflow_runs_kept`,
			`CREATE TABLE run_rows (status TEXT, ended_at BIGINT, poison BIGINT)`,
			`CREATE INDEX run_rows_status ON run_rows (status)`,
			`INSERT INTO run_rows VALUES ('running', 0, 0), ('waiting_reply', 0, 0), ('waiting_reply', 0, -9223372036854775807 - 1)`,
			`CREATE VIEW workflow_runs AS SELECT status, ended_at + abs(poison) AS ended_at FROM run_rows`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	metricstest.GatherFails(t, newEngineMetrics(d), "overflow") // the read's integer overflow
}
