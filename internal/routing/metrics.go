package routing

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// routingMetrics is what routing tells /metrics. Counters and histograms
// count what this node did; queue lengths and waits are read from the
// store at scrape time, so every node reports the same cluster-wide truth
// and an idle node does no work between scrapes.
type routingMetrics struct {
	d            *db.DB
	assignments  *prometheus.CounterVec
	toAssignment prometheus.Histogram
	queueWait    *prometheus.HistogramVec
	queueLength  *prometheus.Desc
	queueOldest  *prometheus.Desc
}

// waitBuckets span a routed conversation's waits: seconds to a day.
var waitBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600}

func newRoutingMetrics(d *db.DB) *routingMetrics {
	return &routingMetrics{
		d: d,
		assignments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_routing_assignments_total",
			Help: "Assignments routing made, by strategy (direct: a named user).",
		}, []string{"strategy"}),
		toAssignment: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "switchboard_routing_time_to_assignment_seconds",
			Help:    "From a conversation's opening to its assignment, for conversations that had no assignee.",
			Buckets: waitBuckets,
		}),
		queueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "switchboard_routing_queue_wait_seconds",
			Help:    "Time a conversation waited in a queue before it was assigned, by workspace and team (0: the workspace queue).",
			Buckets: waitBuckets,
		}, []string{"workspace", "team"}),
		queueLength: prometheus.NewDesc("switchboard_routing_queue_length",
			"Conversations waiting for an agent, by workspace and team (0: the workspace queue).", []string{"workspace", "team"}, nil),
		queueOldest: prometheus.NewDesc("switchboard_routing_queue_oldest_wait_seconds",
			"How long the first-queued conversation has waited, by workspace and team.", []string{"workspace", "team"}, nil),
	}
}

// Collector is routing's part of /metrics.
func (s *Service) Collector() prometheus.Collector { return s.metrics }

func (m *routingMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.assignments.Describe(ch)
	m.toAssignment.Describe(ch)
	m.queueWait.Describe(ch)
	ch <- m.queueLength
	ch <- m.queueOldest
}

func (m *routingMetrics) Collect(ch chan<- prometheus.Metric) {
	m.assignments.Collect(ch)
	m.toAssignment.Collect(ch)
	m.queueWait.Collect(ch)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := m.d.Reader().Query(ctx, `SELECT workspace_id, team_id, COUNT(*), MIN(enqueued_at) FROM routing_queue GROUP BY workspace_id, team_id`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.queueLength, err)
		return
	}
	defer rows.Close()
	now := m.d.Now()
	for rows.Next() {
		var ws, team, n, oldest int64
		if err := rows.Scan(&ws, &team, &n, &oldest); err != nil {
			ch <- prometheus.NewInvalidMetric(m.queueLength, err)
			return
		}
		labels := []string{strconv.FormatInt(ws, 10), strconv.FormatInt(team, 10)}
		ch <- prometheus.MustNewConstMetric(m.queueLength, prometheus.GaugeValue, float64(n), labels...)
		ch <- prometheus.MustNewConstMetric(m.queueOldest, prometheus.GaugeValue, seconds(now-oldest), labels...)
	}
	// A read broken after some rows (a lost connection, the timeout) ends
	// the loop as the last row does: the queues not read yet would be
	// missing from a scrape that looks complete, read as empty queues.
	if err := rows.Err(); err != nil {
		ch <- prometheus.NewInvalidMetric(m.queueLength, err)
	}
}

// assigned records an assignment once its transaction commits: before is
// the conversation as it was, queued what the assignment took it out of.
func (m *routingMetrics) assigned(tx *db.Tx, strategy string, before conversation.Conversation, queued queueExit, now int64) {
	if strategy == "" {
		strategy = "direct"
	}
	tx.OnCommit(func() {
		m.assignments.WithLabelValues(strategy).Inc()
		if before.AssigneeID == 0 {
			m.toAssignment.Observe(seconds(now - db.Millis(before.OpenedAt)))
		}
		if queued.found {
			m.queueWait.WithLabelValues(strconv.FormatInt(before.WorkspaceID, 10), strconv.FormatInt(queued.teamID, 10)).
				Observe(seconds(now - queued.enqueuedAt))
		}
	})
}

// queueExit is the queue row an assignment removed, if any.
type queueExit struct {
	found              bool
	teamID, enqueuedAt int64
}

// dequeueForAssignment takes the conversation out of its queue and says
// which queue and since when, for the wait metric.
func dequeueForAssignment(ctx context.Context, tx *db.Tx, conversationID int64) (queueExit, error) {
	var q queueExit
	err := tx.QueryRow(ctx, `DELETE FROM routing_queue WHERE conversation_id = ? RETURNING team_id, enqueued_at`, conversationID).
		Scan(&q.teamID, &q.enqueuedAt)
	if err == sql.ErrNoRows {
		return q, nil
	}
	q.found = err == nil
	return q, err
}

func seconds(ms int64) float64 { return float64(max(ms, 0)) / 1000 }
