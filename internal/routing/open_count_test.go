package routing

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// routing_agents.open_count (migration 037) is kept by triggers, so it
// must equal the conversations counted after every kind of change, by
// the services or by any other statement: assign, transfer, unassign,
// snooze, close, reopen, insert already assigned, delete.
func TestOpenCountFollowsEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, agents := f.agents(2, intp(0), "support")
		a, b := agents[0], agents[1]
		convs := f.conversations(4)
		sys := access.System(f.wsID)
		exec := func(query string, args ...any) func() {
			return func() {
				if err := d.Write(ctx, func(tx *db.Tx) error { _, err := tx.Exec(ctx, query, args...); return err }); err != nil {
					t.Fatal(err)
				}
			}
		}
		steps := []struct {
			name string
			do   func()
			want map[int64]int
		}{
			{"assign three to a", func() {
				for _, id := range convs[:3] {
					f.assign(Request{ConversationID: id, Target: TargetUser, UserID: a})
				}
			}, map[int64]int{a: 3}},
			{"transfer one to b", func() { f.assign(Request{ConversationID: convs[0], Target: TargetUser, UserID: b}) }, map[int64]int{a: 2, b: 1}},
			{"unassign one of a", func() { f.assign(Request{ConversationID: convs[1], Target: TargetUnassign}) }, map[int64]int{a: 1, b: 1}},
			{"snooze b's (still open)", func() {
				if _, err := f.conv.Snooze(ctx, sys, convs[0], f.clock.Now().Add(time.Hour), 0); err != nil {
					t.Fatal(err)
				}
			}, map[int64]int{a: 1, b: 1}},
			{"close a snoozed one", func() {
				if _, err := f.conv.Close(ctx, sys, convs[0], conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
					t.Fatal(err)
				}
			}, map[int64]int{a: 1, b: 0}},
			{"reopen it by any path", exec(`UPDATE conversations SET status = 'open' WHERE id = ?`, convs[0]), map[int64]int{a: 1, b: 1}},
			{"reassign a closed one directly", exec(`UPDATE conversations SET status = 'closed', assignee_id = ? WHERE id = ?`, a, convs[0]), map[int64]int{a: 1, b: 0}},
			{"insert one already assigned", exec(`INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at, assignee_id)
				SELECT workspace_id, contact_id, 'snoozed', 'api', opened_at, ? FROM conversations WHERE id = ?`, b, convs[0]), map[int64]int{a: 1, b: 1}},
			{"delete a's", exec(`DELETE FROM conversations WHERE id = ?`, convs[2]), map[int64]int{a: 0, b: 1}},
		}
		for _, s := range steps {
			s.do()
			counted := f.openCounts()
			for _, u := range []int64{a, b} {
				kept, err := openCount(ctx, d.Reader(), u)
				if err != nil {
					t.Fatal(err)
				}
				if kept != s.want[u] || counted[u] != s.want[u] {
					t.Fatalf("%s: user %d has open_count %d and %d counted; want %d", s.name, u, kept, counted[u], s.want[u])
				}
			}
		}
	})
}
