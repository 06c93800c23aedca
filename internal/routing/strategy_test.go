package routing

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// assignAll assigns the conversations to the team from 8 goroutines and
// returns how many each user got.
func (f *fixture) assignAll(convs []int64, req Request) map[int64]int {
	f.t.Helper()
	var mu sync.Mutex
	got := map[int64]int{}
	work := make(chan int64)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				r := req
				r.WorkspaceID, r.ConversationID = f.wsID, id
				res, err := f.svc.Assign(context.Background(), r)
				if err != nil || !res.Assigned {
					f.t.Errorf("assign %d: %+v, %v", id, res, err)
					continue
				}
				mu.Lock()
				got[res.UserID]++
				mu.Unlock()
			}
		}()
	}
	for _, id := range convs {
		work <- id
	}
	close(work)
	wg.Wait()
	return got
}

// Round robin over 4 online agents and 400 assignments: 100 each; with
// one agent offline the other three share the next 300 and the offline
// one gets none.
func TestRoundRobinIsFairAndSkipsOffline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team, agents := f.agents(4, nil, "sales")
		convs := f.conversations(700)
		req := Request{Target: TargetTeam, TeamID: team, Strategy: RoundRobin, OnlyOnline: true}
		got := f.assignAll(convs[:400], req)
		for _, a := range agents {
			if got[a] != 100 {
				t.Fatalf("round robin gave %v; want 100 each of %v", got, agents)
			}
		}
		if _, err := f.svc.SignOut(ctx, f.wsID, agents[2], "laptop"); err != nil {
			t.Fatal(err)
		}
		got = f.assignAll(convs[400:], req)
		for i, a := range agents {
			want := 100
			if i == 2 {
				want = 0
			}
			if got[a] != want {
				t.Fatalf("with user %d offline round robin gave %v", agents[2], got)
			}
		}
	})
}

// An agent whose last heartbeat is older than the inactivity timeout is
// never chosen by "only online", even before the timer has announced
// them offline; the timer then does, and a heartbeat brings them back.
func TestStaleHeartbeatNeverChosenByOnlyOnline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		clk := f.clock
		if _, err := f.svc.UpdateSettings(ctx, f.wsID, SettingsUpdate{InactivityTimeoutMinutes: intp(1)}); err != nil {
			t.Fatal(err)
		}
		team, agents := f.agents(2, nil, "night")
		stale, fresh := agents[0], agents[1]
		// Stop the engines: this test runs the timer by hand, so the stale
		// user is still announced online while the router must skip them.
		f.svc.Close()
		clk.Advance(50 * time.Second)
		if _, err := f.svc.Heartbeat(ctx, f.wsID, fresh, "phone"); err != nil {
			t.Fatal(err)
		}
		clk.Advance(11 * time.Second) // stale: 61 s since its heartbeat; fresh: 11 s
		convs := f.conversations(30)
		for _, strategy := range []string{RoundRobin, LeastOpen, LongestIdle} {
			for _, id := range convs[:8] {
				res := f.assign(Request{ConversationID: id, Target: TargetTeam, TeamID: team, Strategy: strategy, OnlyOnline: true, NoQueue: true})
				if !res.Assigned || res.UserID != fresh {
					t.Fatalf("%s chose %+v; want only user %d (user %d is stale)", strategy, res, fresh, stale)
				}
			}
			convs = convs[8:]
		}
		// The filter is what keeps them out: without it the stale agent is
		// chosen (least open: they have none).
		if res := f.assign(Request{ConversationID: convs[0], Target: TargetTeam, TeamID: team, Strategy: LeastOpen, NoQueue: true}); res.UserID != stale {
			t.Fatalf("without only_online least_open chose %d; want the stale user %d", res.UserID, stale)
		}
		before := f.events(0)
		if p, _ := f.svc.Presence(ctx, f.wsID, stale); p.Availability != Offline {
			t.Fatalf("stale user presence %+v", p)
		}
		var announced string
		d.Reader().QueryRow(ctx, `SELECT presence FROM routing_agents WHERE user_id = ?`, stale).Scan(&announced)
		if announced != Online {
			t.Fatalf("stale user announced %q before the timer ran; the test needs online", announced)
		}
		if _, err := f.svc.tick(ctx); err != nil {
			t.Fatal(err)
		}
		var offline bool
		for _, e := range f.events(before[len(before)-1].ID, event.UserPresenceUpdated) {
			offline = offline || string(e.Payload) != "" && contains(e.Payload, `"availability":"offline"`) && contains(e.Payload, `"cause":"inactivity"`)
		}
		if !offline {
			t.Fatal("the timer did not announce the stale user offline")
		}
		if p, _ := f.svc.Presence(ctx, f.wsID, stale); p.Availability != Offline {
			t.Fatalf("stale user presence %+v", p)
		}
		if _, err := f.svc.Heartbeat(ctx, f.wsID, stale, "laptop"); err != nil {
			t.Fatal(err)
		}
		res := f.assign(Request{ConversationID: convs[1], Target: TargetTeam, TeamID: team, Strategy: LeastOpen, OnlyOnline: true, NoQueue: true})
		if res.UserID != stale {
			t.Fatalf("after a heartbeat least_open chose %d; want %d again", res.UserID, stale)
		}
	})
}

// Least open picks the agent with the fewest open conversations; among
// equals, the one idle longest. Longest idle ignores open counts.
func TestLeastOpenAndLongestIdle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		clk := f.clock
		team, ag := f.agents(3, nil, "ops")
		a, b, c := ag[0], ag[1], ag[2]
		convs := f.conversations(10)
		byHand := func(conv, user int64) {
			clk.Advance(time.Second)
			if res := f.assign(Request{ConversationID: conv, Target: TargetUser, UserID: user}); !res.Assigned {
				t.Fatalf("assign %d to %d: %+v", conv, user, res)
			}
		}
		// a: 2 open; c assigned before b, so c has been idle longer.
		byHand(convs[0], a)
		byHand(convs[1], a)
		byHand(convs[2], c)
		byHand(convs[3], b)
		pick := func(conv int64, strategy string) int64 {
			clk.Advance(time.Second)
			return f.assign(Request{ConversationID: conv, Target: TargetTeam, TeamID: team, Strategy: strategy, NoQueue: true}).UserID
		}
		if got := pick(convs[4], LeastOpen); got != c {
			t.Fatalf("least_open chose %d; want %d (1 open, idle longest)", got, c)
		}
		// Now b has 1 open and the rest 2: b wins on count though c... was just assigned.
		if got := pick(convs[5], LeastOpen); got != b {
			t.Fatalf("least_open chose %d; want %d (fewest open)", got, b)
		}
		// All have 2; a was assigned longest ago.
		if got := pick(convs[6], LeastOpen); got != a {
			t.Fatalf("least_open chose %d; want %d (tie, idle longest)", got, a)
		}
		// Longest idle: c (assigned at step 5) is now idle longest, whatever the counts.
		if got := pick(convs[7], LongestIdle); got != c {
			t.Fatalf("longest_idle chose %d; want %d", got, c)
		}
	})
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
