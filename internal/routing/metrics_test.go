package routing

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// /metrics shows each queue's length and oldest wait as the store has
// them, and counts assignments by strategy with the waits they ended.
func TestRoutingMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := metrics.New()
		m.Register(f.svc.Collector())
		value := func(sample string) float64 { return metricstest.Value(t, m, sample) }
		ctx := context.Background()
		team, _ := f.agents(1, intp(1), "Support")
		convs := f.conversations(2)
		first := f.assign(Request{ConversationID: convs[0], Target: TargetTeam, TeamID: team})
		if !first.Assigned {
			t.Fatalf("first = %+v, want assigned", first)
		}
		if r := f.assign(Request{ConversationID: convs[1], Target: TargetTeam, TeamID: team}); !r.Queued {
			t.Fatalf("second = %+v, want queued", r)
		}
		// The drainer reads the two assignments' events too: let it finish
		// before the clock moves, or a pass begun before the move could
		// take the slot the close frees with the time it read then (on
		// PostgreSQL the close runs beside it and its refill gives way to
		// the drainer's queue lock).
		f.idle()
		f.clock.Advance(90 * time.Second)

		queue := fmt.Sprintf(`{team="%d",workspace="%d"}`, team, f.wsID)
		if got := value("switchboard_routing_queue_length" + queue); got != 1 {
			t.Errorf("queue length %v, want 1", got)
		}
		if got := value("switchboard_routing_queue_oldest_wait_seconds" + queue); got != 90 {
			t.Errorf("oldest wait %v, want 90", got)
		}

		// The slot frees: the queued conversation is assigned after 90 s.
		if _, err := f.conv.Close(ctx, access.System(f.wsID), convs[0], conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		f.idle()
		if got := f.assignee(convs[1]); got == 0 {
			t.Fatal("the queued conversation was not assigned")
		}
		strategy := first.Reason.Strategy
		if got := value(`switchboard_routing_assignments_total{strategy="` + strategy + `"}`); got != 2 {
			t.Errorf("assignments by %s: %v, want 2", strategy, got)
		}
		if got := value("switchboard_routing_queue_wait_seconds_count" + queue); got != 1 {
			t.Errorf("queue waits observed %v, want 1", got)
		}
		if got := value("switchboard_routing_queue_wait_seconds_sum" + queue); got != 90 {
			t.Errorf("queue wait %v s, want 90", got)
		}
		if got := value("switchboard_routing_time_to_assignment_seconds_count"); got != 2 {
			t.Errorf("times to assignment observed %v, want 2", got)
		}
		if got := value("switchboard_routing_queue_length" + queue); got != 0 {
			t.Errorf("queue length after the drain %v, want 0 (absent)", got)
		}
	})
}

// A read of the queue gauges that breaks after some rows have been read
// (a network error, a timeout) makes the scrape fail rather than report
// the queues read so far as all there is.
func TestRoutingMetricsBrokenQueueReadFailsTheScrape(t *testing.T) {
	// SQLite streams the GROUP BY of an index-ordered table, so the first
	// queue's row is out before the second queue's rows are read; a
	// PostgreSQL plan reads all its input before the first row.
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	// routing_queue becomes a view on a table of the columns the gauges
	// read, whose second queue's wait overflows abs() while it is read.
	err := d.Write(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`DROP TABLE routing_queue`,
			`CREATE TABLE queue_rows (workspace_id BIGINT, team_id BIGINT, enqueued_at BIGINT)`,
			`CREATE INDEX queue_rows_order ON queue_rows (workspace_id, team_id)`,
			`INSERT INTO queue_rows VALUES (1, 1, 1000), (1, 2, -9223372036854775807 - 1)`,
			`CREATE VIEW routing_queue AS SELECT workspace_id, team_id,
			   CASE WHEN team_id = 2 THEN abs(enqueued_at) ELSE enqueued_at END AS enqueued_at FROM queue_rows`,
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
	metricstest.GatherFails(t, newRoutingMetrics(d), "overflow") // the read's integer overflow
	// /metrics still answers, and counts the scrape as incomplete (once
	// it is over: the next scrape shows it).
	m := metrics.New()
	m.Register(newRoutingMetrics(d))
	metricstest.Value(t, m, "switchboard_routing_queue_length")
	if got := metricstest.Value(t, m, `promhttp_metric_handler_errors_total{cause="gathering"}`); got < 1 {
		t.Errorf("the incomplete scrape was not counted: %v", got)
	}
}
