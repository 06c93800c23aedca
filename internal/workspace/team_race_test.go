package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Concurrent updates of a team all succeed, one after the other: a
// members-only update never puts back the name a rename just set, and
// replaying the team.members.updated events (added, removed) from the
// first members gives exactly the members the team ends with.
func TestConcurrentMemberUpdatesChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, err := s.Create(ctx, "W", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		var users []int64
		for i := range 6 {
			u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: fmt.Sprintf("u%d@acme.io", i), Name: "U"})
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u.ID)
		}
		team, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "Desk", MemberIDs: users[:1]})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := TeamInput{MemberIDs: []int64{users[i%6], users[(i+1)%6], users[(i+3)%6]}}
				if i == 0 {
					in = TeamInput{Name: "Renamed"}
				}
				if _, err := s.UpdateTeam(ctx, ws.ID, team.ID, in); err != nil {
					t.Errorf("update %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		evs, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws.ID, Types: []event.Type{event.TeamMembersUpdated}, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		replayed := []int64{users[0]}
		for _, e := range evs {
			var p struct{ Added, Removed []int64 }
			json.Unmarshal(e.Payload, &p)
			for _, id := range p.Removed {
				if !slices.Contains(replayed, id) {
					t.Fatalf("event %d removes %d, who was not a member then (%v)", e.ID, id, replayed)
				}
				replayed = slices.DeleteFunc(replayed, func(x int64) bool { return x == id })
			}
			for _, id := range p.Added {
				if slices.Contains(replayed, id) {
					t.Fatalf("event %d adds %d, who already was a member (%v)", e.ID, id, replayed)
				}
				replayed = append(replayed, id)
			}
		}
		got, err := s.GetTeam(ctx, ws.ID, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Renamed" {
			t.Errorf("the team is named %q: a members-only update put back the old name", got.Name)
		}
		slices.Sort(replayed)
		final := slices.Sorted(slices.Values(got.MemberIDs))
		if !slices.Equal(replayed, final) {
			t.Fatalf("replaying the events gives %v, the team has %v", replayed, final)
		}
	})
}
