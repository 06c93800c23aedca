package routing

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A heartbeat of an agent already online announces nothing and only
// moves their expiry later; the timer, which it no longer wakes, wakes at
// the earlier expiry, finds the agent alive and waits for the later one;
// past it the agent goes offline, and the next heartbeat announces them
// online again.
func TestSteadyHeartbeatMovesTheExpiryAndAnnouncesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		_, ag := f.agents(1, nil, "desk") // online now, by a first heartbeat; timeout 5 minutes
		a := ag[0]
		f.idle()
		announced := func(after int64) []string {
			t.Helper()
			var out []string
			for _, e := range f.events(after, event.UserPresenceUpdated) {
				var p struct{ Availability, Cause string }
				json.Unmarshal(e.Payload, &p)
				out = append(out, p.Availability+" by "+p.Cause)
			}
			return out
		}
		at := f.events(0)[len(f.events(0))-1].ID

		f.clock.Advance(4 * time.Minute)
		p, err := f.svc.Heartbeat(ctx, f.wsID, a, "laptop")
		if err != nil {
			t.Fatal(err)
		}
		if p.Availability != Online || !p.LastSeenAt.Equal(f.clock.Now()) {
			t.Fatalf("after a steady heartbeat: %+v; want online, seen now", p)
		}
		f.clock.Advance(2 * time.Minute) // past the first expiry, not the second
		f.idle()
		if got := announced(at); len(got) != 0 {
			t.Fatalf("announced %v before the moved expiry; want nothing", got)
		}
		f.clock.Advance(3 * time.Minute) // past the second
		f.idle()
		if got := fmt.Sprint(announced(at)); got != "[offline by inactivity]" {
			t.Fatalf("announced %s past the moved expiry; want [offline by inactivity]", got)
		}
		if _, err := f.svc.Heartbeat(ctx, f.wsID, a, "laptop"); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(announced(at)); got != "[offline by inactivity online by heartbeat]" {
			t.Fatalf("announced %s after coming back; want offline, then online by heartbeat", got)
		}
	})
}

// On PostgreSQL a claim passes over an agent whose row another
// transaction holds (a close or a claim of theirs in flight) for the next
// in rank, without waiting: a batch claiming agents in its strategy's
// order could otherwise wait in a cycle with one claiming them the other
// way round. With everyone who qualifies held, it waits for the first.
func TestClaimPassesOverAnAgentHeldElsewhere(t *testing.T) {
	ctx := context.Background()
	f, raw := pgFixture(t)
	team, ag := f.agents(2, intp(5), "desk")
	c := f.conversations(2)
	f.idle()

	holder := holdAgents(t, raw, ag[0])
	var r Result
	err := dbtest.NeverWaits(t, raw, "a claim with a free agent left", func() { holder.Rollback() }, func() error {
		var err error
		// Least open with both at 0: the first by id, ag[0], ranks first.
		r, err = f.svc.Assign(ctx, Request{WorkspaceID: f.wsID, ConversationID: c[0], Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.UserID != ag[1] {
		t.Fatalf("assigned to %d with %d held elsewhere; want the next in rank, %d (%+v)", r.UserID, ag[0], ag[1], r)
	}

	// Both held: the claim waits for the first in rank.
	if _, err := holder.ExecContext(ctx, `SELECT user_id FROM routing_agents WHERE user_id = $1 FOR NO KEY UPDATE`, ag[1]); err != nil {
		t.Fatal(err)
	}
	done := make(chan Result, 1)
	go func() {
		r, err := f.svc.Assign(ctx, Request{WorkspaceID: f.wsID, ConversationID: c[1], Target: TargetTeam, TeamID: team, Strategy: LeastOpen})
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	dbtest.AwaitLockWaiterBefore(t, raw, done, "an assignment while every agent was held elsewhere")
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.UserID != ag[0] {
		t.Fatalf("assigned to %d once free; want %d, the least open", r.UserID, ag[0])
	}
}

// A claim whose transaction already holds an agent's row (an earlier job
// of its batch claimed them), finding everyone who qualifies held
// elsewhere, waits only upwards: for the first in rank above the agents
// it holds, or, with none above, it gives way and waits once its write
// runs again alone. Waiting for a lower agent could close a cycle with a
// batch that locks its named agents in id order (a close); PostgreSQL
// breaks that only after deadlock_timeout.
func TestClaimWaitsOnlyUpwardsForAHeldAgent(t *testing.T) {
	cases := []struct {
		name      string
		team      func(ag []int64) []int64 // who qualifies
		wantAgent func(ag []int64) int64
		wantRuns  int32
	}{
		{"an agent above the held one is waited for", func(ag []int64) []int64 { return []int64{ag[0], ag[2]} },
			func(ag []int64) int64 { return ag[2] }, 1},
		{"only one below: it gives way, then waits alone", func(ag []int64) []int64 { return ag[:1] },
			func(ag []int64) int64 { return ag[0] }, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f, raw := pgFixture(t)
			_, ag := f.agents(3, intp(5), "all")
			team, err := f.ws.CreateTeam(ctx, f.wsID, workspace.TeamInput{Name: "desk", MemberIDs: tc.team(ag)})
			if err != nil {
				t.Fatal(err)
			}
			c := f.conversations(1)
			f.idle()

			holder := holdAgents(t, raw, tc.team(ag)...)
			var runs atomic.Int32
			var r Result
			done := make(chan error, 1)
			go func() {
				done <- f.d.WriteConcurrent(ctx, func(tx *db.Tx) error {
					runs.Add(1)
					// ag[1], whom no one else holds, as an earlier claim of
					// the batch would have.
					if free, err := tx.TryLockRow(ctx, "routing_agents", ag[1]); err != nil || !free {
						return fmt.Errorf("agent %d: free %v, %v", ag[1], free, err)
					}
					var err error
					r, err = f.svc.AssignTx(ctx, tx, Request{WorkspaceID: f.wsID, ConversationID: c[0], Target: TargetTeam,
						TeamID: team.ID, Strategy: LeastOpen, NoQueue: true})
					return err
				})
			}()
			dbtest.AwaitLockWaiterBefore(t, raw, done, "a claim while every agent who qualifies was held")
			if err := holder.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if want := tc.wantAgent(ag); r.UserID != want {
				t.Fatalf("assigned to %d, want %d (agents %v, ag[1] held by the claim; %+v)", r.UserID, want, ag, r)
			}
			if n := runs.Load(); n != tc.wantRuns {
				t.Fatalf("the write ran %d times, want %d", n, tc.wantRuns)
			}
		})
	}
}

// holdAgents begins a transaction on raw that holds the routing rows of
// the given agents (FOR NO KEY UPDATE, as a claim or a heartbeat does)
// until the test commits or rolls it back; it is rolled back at the end.
func holdAgents(t *testing.T, raw *sql.DB, ids ...int64) *sql.Tx {
	t.Helper()
	return dbtest.HoldRows(t, raw, "routing_agents", "user_id", ids...)
}

// pgFixture is the fixture on a fresh PostgreSQL store, with a plain pool
// on it for the test's own transactions; it skips the test without
// PostgreSQL (SQLite has one writer and no row locks).
func pgFixture(t *testing.T) (*fixture, *sql.DB) {
	t.Helper()
	cfg := dbtest.PostgresConfig(t)
	return newFixture(t, dbtest.OpenConfig(t, cfg)), dbtest.Raw(t, cfg)
}
