package workflow

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestTwoStoresAdvanceTheSameRunsOnce is two nodes (two store handles, two
// engines) on one database advancing the very same runs at once, four
// goroutines a run, with no lease to keep them apart: the steps commit
// through the concurrent write door on PostgreSQL (see stepDoor), and the
// run's row lock alone must make each step run once. On SQLite the two
// handles share the file's single writer.
func TestTwoStoresAdvanceTheSameRunsOnce(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			cfg := dbtest.Config(t, dialect)
			dA := dbtest.OpenConfig(t, cfg)
			f := newFixture(t, dA)
			f.stop() // the runs below are advanced by hand, by both nodes
			dB := dbtest.OpenConfig(t, cfg)
			dB.SetClock(f.clock)
			engines := []*Engine{
				NewEngine(NewService(dA), f.hub, f.assigner, f.ws, EngineOptions{Group: f.group}),
				NewEngine(NewService(dB), f.hub, f.assigner, f.ws, EngineOptions{Group: f.group}),
			}
			w := f.deploy(askFlow)
			const n = 30
			ids := make([]int64, n)
			for i := range n {
				r := f.write(fmt.Sprintf("+1415777%04d", i), "hi")
				if err := dA.Write(ctx, func(tx *db.Tx) (err error) {
					ids[i], err = insertRun(ctx, tx, newRun{workspaceID: f.wsp.ID, workflowID: w.ID, version: 1, step: "hello",
						contactID: r.ContactID, conversationID: r.ConversationID}, tx.Now())
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			hammer := func() {
				var wg sync.WaitGroup
				for _, id := range ids {
					for g := range 4 {
						wg.Add(1)
						go func() {
							defer wg.Done()
							e := engines[g%2]
							for range 20 {
								more, err := e.advance(ctx, id, nil)
								if err != nil {
									t.Errorf("run %d: %v", id, err)
									return
								}
								if !more {
									return
								}
							}
						}()
					}
				}
				wg.Wait()
			}

			hammer()
			if got := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE status = ?`, StatusWaitingReply); got != n {
				t.Fatalf("%d runs wait for the answer, want %d", got, n)
			}
			// The answers, as the consumer hands them over.
			for _, id := range ids {
				if err := dA.Write(ctx, func(tx *db.Tx) error {
					r, err := loadRun(ctx, tx, id)
					if err != nil {
						return err
					}
					r.Status, r.Data.Input = StatusRunning, []byte(`{"type":"text","text":"42"}`)
					return saveRun(ctx, tx, &r, tx.Now())
				}); err != nil {
					t.Fatal(err)
				}
			}
			hammer()

			if got := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE status = ?`, StatusFinished); got != n {
				t.Fatalf("%d runs finished, want %d", got, n)
			}
			// hello, the question, thanks: each once.
			if got := f.count(`SELECT COUNT(*) FROM messages WHERE direction = 'out'`); got != 3*n {
				t.Fatalf("%d messages sent, want %d: a step ran twice or not at all", got, 3*n)
			}
			// hello, ask (asked), ask (answered), thanks.
			if got := f.count(`SELECT COUNT(*) FROM workflow_run_steps`); got != 4*n {
				t.Fatalf("%d history lines, want %d", got, 4*n)
			}
			if got := f.count(`SELECT COUNT(*) FROM (SELECT run_id, step, outcome FROM workflow_run_steps
				GROUP BY run_id, step, outcome HAVING COUNT(*) > 1) x`); got != 0 {
				t.Fatalf("%d history lines twice", got)
			}
			// Each conversation's events keep one sequence: no number twice.
			if got := f.count(`SELECT COUNT(*) FROM (SELECT conversation_id, seq FROM events WHERE conversation_id IS NOT NULL
				GROUP BY conversation_id, seq HAVING COUNT(*) > 1) x`); got != 0 {
				t.Fatalf("%d sequence numbers used twice in a conversation", got)
			}
			// A history in the order of the steps.
			h, err := history(ctx, dA.Reader(), ids[0])
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, e := range h {
				steps = append(steps, e.Step)
			}
			if fmt.Sprint(steps) != "[hello ask ask thanks]" {
				t.Fatalf("history %v", steps)
			}
		})
	}
}
