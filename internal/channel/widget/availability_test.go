package widget

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
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
					team, err := a.after(ctx, d.Reader(), workspaceID, eventID)
					if err != nil {
						t.Error(err)
					}
					got[i] = team.online
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

// One presence change, heard by many sockets at once, costs one read of
// the store: the others wait for it. A failed read is not kept, so the
// next socket to ask reads again.
func TestAvailabilityReadOncePerChange(t *testing.T) {
	var reads atomic.Int32
	release := make(chan struct{})
	fail := atomic.Bool{}
	a := availability{query: func(context.Context, db.Querier, int64) (team, error) {
		reads.Add(1)
		<-release
		if fail.Load() {
			return team{}, errors.New("the store is away")
		}
		return team{online: true}, nil
	}}
	ask := func(eventID int64, n int) []error {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				team, err := a.after(context.Background(), nil, 1, eventID)
				if err == nil && !team.online {
					err = errors.New("offline")
				}
				errs[i] = err
			})
		}
		// Every asker is waiting on the one read (or made its own) before
		// the read answers.
		for reads.Load() == 0 {
			runtime.Gosched()
		}
		close(release)
		wg.Wait()
		release = make(chan struct{})
		return errs
	}
	for _, err := range ask(7, 50) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("50 sockets hearing one change made %d reads, want 1", n)
	}
	fail.Store(true)
	ask(8, 1)
	fail.Store(false)
	ask(8, 1)
	if n := reads.Load(); n != 3 {
		t.Fatalf("after a failed read the next asker made %d reads in all, want 3", n)
	}
}
