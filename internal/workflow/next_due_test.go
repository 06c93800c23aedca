package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The timer's next wake is the earliest time any run can be taken, even
// when the runs due first are all leased by another node until later
// than a run further on is due: it read the first 50 by wake time only,
// and slept past that run until some commit woke the node.
func TestNextDueLooksPastRunsLeasedElsewhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.manual("wait", `[{"id": "w", "type": "wait", "settings": {"seconds": 60}}]`)
		c := f.write("+14155550921", "hi")
		base := db.Millis(f.clock.Now().Add(time.Hour))
		if err := d.Write(ctx, func(tx *db.Tx) error {
			for i := range 60 {
				lease := int64(0)
				if i < nextDueScan {
					lease = base + 10*time.Hour.Milliseconds() // another node holds them
				}
				if _, err := tx.Exec(ctx, `INSERT INTO workflow_runs (workspace_id, workflow_id, version, contact_id, conversation_id, status, step,
					data, wake_at, depth, error, created_at, updated_at, ended_at, lease_until, lease_node)
					VALUES (?, ?, 1, ?, ?, 'waiting_timer', 'w', '{}', ?, 0, '', 0, 0, 0, ?, 99)`,
					f.wsp.ID, w.ID, c.ContactID, c.ConversationID, base+int64(i)*1000, lease); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		next, err := f.eng.nextDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := db.Time(base + int64(nextDueScan)*1000); !next.Equal(want) {
			t.Fatalf("next wake %s, want %s: the first run no other node holds", next, want)
		}
	})
}
