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
