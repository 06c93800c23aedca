package workflow

import (
	"context"
	"encoding/json"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// engineMetrics is what the workflow engine tells /metrics: how long steps
// take by type (this node's, counted when their transaction commits) and
// the runs not yet ended by status (read from the store at scrape time, so
// every node reports the cluster's truth and idling costs nothing).
type engineMetrics struct {
	d           *db.DB
	stepSeconds *prometheus.HistogramVec
	runs        *prometheus.Desc
	// runsEnded counts the runs that ended, by final status. It is
	// counted by the engine's consumer as it reads workflow.run_ended,
	// which exactly one node does for each event: summed over the nodes
	// it is the cluster's count, and a restart loses nothing the log has.
	runsEnded *prometheus.CounterVec
}

func newEngineMetrics(d *db.DB) *engineMetrics {
	return &engineMetrics{
		d: d,
		stepSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchboard_workflow_step_seconds",
			Help:    "Time to execute a workflow step (its writes, and its call out for HTTP Request and Assign To), by step type.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5, 30},
		}, []string{"type"}),
		runs: prometheus.NewDesc("switchboard_workflow_runs",
			"Workflow runs not yet ended, by status (running, waiting_reply, waiting_timer, waiting_assignment).", []string{"status"}, nil),
		runsEnded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_workflow_runs_ended_total",
			Help: "Workflow runs ended, by final status (finished, failed, stopped, …), counted once across the nodes.",
		}, []string{"status"}),
	}
}

// Collector is the engine's part of /metrics.
func (e *Engine) Collector() prometheus.Collector { return e.metrics }

func (m *engineMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.stepSeconds.Describe(ch)
	m.runsEnded.Describe(ch)
	ch <- m.runs
}

func (m *engineMetrics) Collect(ch chan<- prometheus.Metric) {
	m.stepSeconds.Collect(ch)
	m.runsEnded.Collect(ch)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts := map[string]int64{StatusRunning: 0, StatusWaitingReply: 0, StatusWaitingTimer: 0, StatusWaitingAssignment: 0}
	rows, err := m.d.Reader().Query(ctx, `SELECT status, COUNT(*) FROM workflow_runs WHERE ended_at = 0 GROUP BY status`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.runs, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(m.runs, err)
			return
		}
		counts[status] = n
	}
	// A read broken after some rows ends the loop as the last row does:
	// the statuses not read yet would be reported as 0 runs.
	if err := rows.Err(); err != nil {
		ch <- prometheus.NewInvalidMetric(m.runs, err)
		return
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(m.runs, prometheus.GaugeValue, float64(n), status)
	}
}

// stepDone records a step's execution time once its transaction commits
// (a step undone with its savepoint or batch is not counted).
func (m *engineMetrics) stepDone(tx *db.Tx, typ string, took time.Duration) {
	tx.OnCommit(func() { m.stepSeconds.WithLabelValues(typ).Observe(took.Seconds()) })
}

// runEnded counts a workflow.run_ended event once the consumer's batch
// that read it commits (a batch rolled back is read again).
func (m *engineMetrics) runEnded(tx *db.Tx, payload json.RawMessage) {
	var p struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Status == "" {
		p.Status = "unknown"
	}
	tx.OnCommit(func() { m.runsEnded.WithLabelValues(p.Status).Inc() })
}
