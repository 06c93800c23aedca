package conversation

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A close through Close calls the registered refill inside its own
// transaction, with the assignee whose slot it freed, and only when there
// was one; a refill that fails is undone and the close still commits.
func TestCloseCallsTheRefillInItsTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		u, err := workspace.New(d).CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "a@acme.io", Name: "A"})
		if err != nil {
			t.Fatal(err)
		}
		type call struct{ ws, user int64 }
		var calls []call
		fail := false
		f.svc.OnSlotFreed(func(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error {
			calls = append(calls, call{workspaceID, userID})
			// Seen inside the close's transaction: the conversation reads closed.
			var open int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM conversations WHERE assignee_id = ? AND status <> 'closed'`, userID).Scan(&open); err != nil {
				return err
			}
			if open != 0 {
				t.Errorf("refill saw %d open conversations of the agent; want the close already written", open)
			}
			if _, err := tx.Exec(ctx, `UPDATE workspaces SET name = 'refilled' WHERE id = ?`, workspaceID); err != nil {
				return err
			}
			if fail {
				return errors.New("refill failed")
			}
			return nil
		})
		open := func(external string) int64 {
			r, err := f.svc.Receive(ctx, []Inbound{f.inbound(external, "m-"+external, "hi")})
			if err != nil {
				t.Fatal(err)
			}
			return r[0].ConversationID
		}
		assign := func(id int64) {
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := AssignTx(ctx, tx, f.ws.ID, id, AssignInput{UserID: u.ID, Source: SourceAPI})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		name := func() string {
			var n string
			if err := d.Reader().QueryRow(ctx, `SELECT name FROM workspaces WHERE id = ?`, f.ws.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		closeIt := func(id int64) {
			if _, err := f.svc.Close(ctx, access.System(f.ws.ID), id, CloseInput{Source: SourceAPI}); err != nil {
				t.Fatalf("close %d: %v", id, err)
			}
		}

		unassigned := open("+1")
		closeIt(unassigned)
		if len(calls) != 0 {
			t.Fatalf("an unassigned close freed slots: %v", calls)
		}

		assigned := open("+2")
		assign(assigned)
		closeIt(assigned)
		if len(calls) != 1 || calls[0] != (call{f.ws.ID, u.ID}) {
			t.Fatalf("refill calls = %v; want one for user %d", calls, u.ID)
		}
		if name() != "refilled" {
			t.Fatal("the refill's write did not commit with the close")
		}

		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspaces SET name = 'Acme' WHERE id = ?`, f.ws.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		fail = true
		third := open("+3")
		assign(third)
		closeIt(third)
		if name() != "Acme" {
			t.Fatal("a failed refill's write was kept")
		}
		c, err := f.svc.Get(ctx, access.System(f.ws.ID), third)
		if err != nil || c.Status != StatusClosed {
			t.Fatalf("close with a failed refill: %+v, %v; want closed", c, err)
		}
	})
}
