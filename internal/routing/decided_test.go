package routing

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Routing writes an assignment without reading the conversation, the user
// or the team again (conversation.AssignDecidedTx): what it checked
// itself must still be checked, and the event's sequence number, taken
// in the same UPDATE as the assignee, must follow the conversation's.
func TestDecidedAssignmentKeepsChecksAndSequence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, agents := f.agents(1, nil, "desk")
		convs := f.conversations(3)

		// A named user filed under another workspace's team: 422, nothing
		// written.
		_, err := f.svc.Assign(ctx, Request{WorkspaceID: f.wsID, ConversationID: convs[0], Target: TargetUser, UserID: agents[0], TeamID: f.foreignTeam()})
		if apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("assign with another workspace's team: %v; want 422", err)
		}
		if a := f.assignee(convs[0]); a != 0 {
			t.Fatalf("conversation %d assigned to %d after a refused request", convs[0], a)
		}

		// Assign, transfer, unassign, assign again: every event of the
		// conversation carries the next sequence number, and the last is
		// the conversation's.
		steps := []Request{
			{Target: TargetTeam, TeamID: team, NoQueue: true},
			{Target: TargetUser, UserID: agents[0], TeamID: team},
			{Target: TargetUnassign},
			{Target: TargetUser, UserID: agents[0]},
		}
		for _, r := range steps {
			r.ConversationID = convs[1]
			f.assign(r)
		}
		var seqs []int64
		for _, e := range f.events(0) {
			if e.ConversationID == convs[1] {
				seqs = append(seqs, e.Seq)
			}
		}
		var last int64
		if err := d.Reader().QueryRow(ctx, `SELECT last_seq FROM conversations WHERE id = ?`, convs[1]).Scan(&last); err != nil {
			t.Fatal(err)
		}
		if len(seqs) < 3 || seqs[len(seqs)-1] != last {
			t.Fatalf("events of conversation %d have seqs %v; the conversation's last_seq is %d", convs[1], seqs, last)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] != seqs[i-1]+1 {
				t.Fatalf("events of conversation %d have seqs %v: not one after another", convs[1], seqs)
			}
		}
		if got := f.events(0, event.ConversationAssigned); len(got) == 0 {
			t.Fatal("no conversation.assigned event")
		}
	})
}
