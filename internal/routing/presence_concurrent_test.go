package routing

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// On PostgreSQL a claim that read its candidate before a presence change
// committed, and waited for it on the agent's row, sees the change in
// its conditional UPDATE and does not assign an agent who no longer
// qualifies: the presence change runs beside claims (it holds the agent's
// row while it writes, as the holder here does), no longer behind the
// store's exclusive write lock. Each case fails with the claim checking
// only capacity and deactivation.
func TestClaimSeesAPresenceChangeItWaitedFor(t *testing.T) {
	cases := []struct {
		name   string
		req    Request
		change string // what the holder commits, on the agent's rows
	}{
		{name: "the agent chose busy", req: Request{Target: TargetTeam, Strategy: LeastOpen},
			change: `UPDATE users SET status = 'busy' WHERE id = $1`},
		{name: "the agent's device signed out", req: Request{Target: TargetTeam, Strategy: LeastOpen, OnlyOnline: true},
			change: `UPDATE routing_agents SET last_seen_at = 0 WHERE user_id = $1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f, raw := pgFixture(t)
			team, ag := f.agents(1, intp(5), "desk")
			c := f.conversations(1)
			f.idle()

			holder := holdAgents(t, raw, ag[0])
			if _, err := holder.ExecContext(ctx, tc.change, ag[0]); err != nil {
				t.Fatal(err)
			}
			req := tc.req
			req.WorkspaceID, req.ConversationID, req.TeamID = f.wsID, c[0], team
			done := make(chan Result, 1)
			go func() {
				r, err := f.svc.Assign(ctx, req)
				if err != nil {
					t.Error(err)
				}
				done <- r
			}()
			dbtest.AwaitLockWaiterBefore(t, raw, done, "an assignment while its only agent was held")
			if err := holder.Commit(); err != nil {
				t.Fatal(err)
			}
			r := <-done
			if r.Assigned || !r.Queued {
				t.Fatalf("after %s: %+v; want the conversation queued, not assigned", tc.name, r)
			}
			if got := f.assignee(c[0]); got != 0 {
				t.Fatalf("conversation assigned to %d", got)
			}
		})
	}
}

// On PostgreSQL heartbeats and presence changes run beside other writes:
// while another node's concurrent writes hold the store's write lock
// shared, a steady heartbeat, a status change, the timer's expiry and a
// heartbeat that brings an agent back must not wait for them to end
// (through the exclusive door they would: every live agent beats twice a
// minute, and after a node's crash its agents all expire and come back
// at once).
func TestPresenceChangesRunBesideOtherWrites(t *testing.T) {
	ctx := context.Background()
	f, raw := pgFixture(t)
	_, ag := f.agents(1, nil, "desk")
	f.idle()
	f.stop() // the timers' own writes (a reassignment is exclusive) are not what is measured

	changes := []struct {
		name  string
		write func() error
	}{
		{"a steady heartbeat", func() error {
			f.clock.Advance(time.Minute)
			_, err := f.svc.Heartbeat(ctx, f.wsID, ag[0], "laptop")
			return err
		}},
		{"a status change", func() error { _, err := f.svc.SetStatus(ctx, f.wsID, ag[0], Busy); return err }},
		{"the timer's expiry", func() error {
			f.clock.Advance(time.Hour)
			return f.svc.expire(ctx, f.svc.nowMs())
		}},
		{"a heartbeat that brings the agent back", func() error { _, err := f.svc.Heartbeat(ctx, f.wsID, ag[0], "laptop"); return err }},
	}
	for _, ch := range changes {
		release := dbtest.HoldConcurrentWrites(t, raw)
		if err := dbtest.NeverWaits(t, raw, ch.name, release, ch.write); err != nil {
			t.Fatalf("%s: %v", ch.name, err)
		}
		release()
	}
	p, err := f.svc.Presence(ctx, f.wsID, ag[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Availability != Busy {
		t.Fatalf("presence after the changes = %+v; want busy again (the status chosen, with a live device)", p)
	}
}
