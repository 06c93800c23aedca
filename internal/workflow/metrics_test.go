package workflow

import (
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
