package routing

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A conversation taken out of its queue (Assign To's timeout exit) is not
// assigned when a slot frees later.
func TestDequeueTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		team, _ := f.agents(1, intp(1), "Support")
		convs := f.conversations(3)
		if r := f.assign(Request{ConversationID: convs[0], Target: TargetTeam, TeamID: team}); !r.Assigned {
			t.Fatalf("first = %+v, want assigned", r)
		}
		for _, c := range convs[1:] {
			if r := f.assign(Request{ConversationID: c, Target: TargetTeam, TeamID: team}); !r.Queued {
				t.Fatalf("conversation %d = %+v, want queued", c, r)
			}
		}
		if err := d.Write(ctx, func(tx *db.Tx) error { return DequeueTx(ctx, tx, f.wsID, convs[1]) }); err != nil {
			t.Fatal(err)
		}
		if got := f.queueOrder(team); len(got) != 1 || got[0] != convs[2] {
			t.Fatalf("queue after dequeue = %v, want [%d]", got, convs[2])
		}
	})
}
