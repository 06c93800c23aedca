package contact_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A contact remembers the assignee of its last closed conversation, so a
// workflow can prefer them (SPEC §4). The conversation a merge closes is
// closed last: its assignee is the kept contact's last assignee, whichever
// contact it belonged to, rather than what either contact remembered
// before the merge.
func TestMergeRemembersTheAssigneeOfTheConversationItCloses(t *testing.T) {
	for _, closesInto := range []bool{true, false} {
		name := map[bool]string{true: "the kept contact's conversation closed", false: "the merged contact's conversation closed"}[closesInto]
		t.Run(name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newMergeFixture(t, d)
				ctx := context.Background()
				agent, err := workspace.New(d).CreateUser(ctx, f.ws, workspace.NewUser{Email: "ana@acme.test", Name: "Ana"})
				if err != nil {
					t.Fatal(err)
				}
				older := f.receive(t, f.chA, "tg-1", "m1", contact.Input{FirstName: ptr("Ada")})
				f.clock.Advance(time.Minute)
				newer := f.receive(t, f.chB, "tg-2", "m2", contact.Input{FirstName: ptr("Ada")})
				// The newer conversation, closed by the merge, is Ana's.
				if err := d.Write(ctx, func(tx *db.Tx) error {
					_, err := conversation.AssignTx(ctx, tx, f.ws, newer.ConversationID, conversation.AssignInput{UserID: agent.ID, Source: "user"})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				into, from := newer.ContactID, older.ContactID
				if !closesInto {
					into, from = from, into
				}
				res, err := f.svc.Merge(ctx, f.system, into, contact.MergeInput{From: from})
				if err != nil {
					t.Fatal(err)
				}
				if res.ClosedConversationID != newer.ConversationID {
					t.Fatalf("closed %d, want the newer %d", res.ClosedConversationID, newer.ConversationID)
				}
				if res.Contact.LastAssigneeID != agent.ID {
					t.Errorf("the kept contact's last assignee = %d, want %d (the closed conversation's)", res.Contact.LastAssigneeID, agent.ID)
				}
			})
		})
	}
}
