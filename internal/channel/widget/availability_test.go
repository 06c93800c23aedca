package widget

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The sockets of a node that hear one presence change share its answer;
// a later change is asked afresh, and a workspace's answer is its own.
func TestAvailabilityAfterAPresenceChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws := workspace.New(d)
		acme, err := ws.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		other, err := ws.Create(ctx, "Other", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		agent, err := ws.CreateUser(ctx, acme.ID, workspace.NewUser{Email: "ana@example.com", Name: "Ana", Role: workspace.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		presence := func(p string) {
			t.Helper()
			err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO routing_agents (user_id, workspace_id, presence) VALUES (?, ?, ?)
					ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence`, agent.ID, acme.ID, p)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		var a availability
		ask := func(workspaceID, eventID int64, want bool) {
			t.Helper()
			var wg sync.WaitGroup
			got := make([]bool, 8)
			for i := range got {
				wg.Go(func() {
					online, err := a.after(ctx, d.Reader(), workspaceID, eventID)
					if err != nil {
						t.Error(err)
					}
					got[i] = online
				})
			}
			wg.Wait()
			for i, online := range got {
				if online != want {
					t.Fatalf("workspace %d after event %d, socket %d: online=%v, want %v", workspaceID, eventID, i, online, want)
				}
			}
		}
		presence("online")
		ask(acme.ID, 10, true)
		ask(other.ID, 10, false)
		presence("offline")
		// The answer after event 10 stands for a socket that heard only it
		// (the store changed without a change this node heard of).
		ask(acme.ID, 10, true)
		ask(acme.ID, 9, true)
		ask(acme.ID, 11, false)
	})
}
