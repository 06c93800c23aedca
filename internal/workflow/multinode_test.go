package workflow

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestTwoEnginesShareTheWork runs a second engine on the same store, as a
// second node would: every trigger starts one run and every step runs
// once, whichever engine claims it.
func TestTwoEnginesShareTheWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(NewEngine(NewService(d), f.hub, f.assigner, f.ws, EngineOptions{Group: f.group}))

		w := f.deploy(askFlow)
		const n = 40
		convs := make([]int64, n)
		for i := range n {
			convs[i] = f.write(fmt.Sprintf("+1415666%04d", i), "hi").ConversationID
		}
		f.eventually("every question", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = ?`, w.ID, StatusWaitingReply) == n
		})
		for i := range n {
			f.write(fmt.Sprintf("+1415666%04d", i), strconv.Itoa(i))
		}
		f.eventually("every run to finish", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = ?`, w.ID, StatusFinished) == n
		})
		if got := f.count(`SELECT COUNT(*) FROM messages WHERE direction = 'out'`); got != 3*n {
			t.Fatalf("%d messages, want %d", got, 3*n)
		}
		if got := f.count(`SELECT COUNT(*) FROM workflow_runs`); got != n {
			t.Fatalf("%d runs, want %d", got, n)
		}
	})
}
