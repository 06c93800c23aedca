package workspace

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestPrincipalResolution checks what Authenticate resolves: the user's
// teams in ascending order, and permissions from the user's override,
// else the workspace's setting for the role, else the defaults; owners and
// workspace tokens may always do everything.
func TestPrincipalResolution(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{})
		ws, err := s.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		token := func(userID int64) string {
			_, raw, err := s.CreateToken(ctx, ws.ID, NewToken{Name: "t", UserID: userID})
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
		user := func(email, role string) (User, string) {
			u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: email, Name: email, Role: role})
			if err != nil {
				t.Fatal(err)
			}
			return u, token(u.ID)
		}
		_, owner := user("o@acme.io", RoleOwner)
		manager, managerToken := user("m@acme.io", RoleManager)
		agent, agentToken := user("a@acme.io", RoleAgent)
		widened, widenedToken := user("w@acme.io", RoleAgent)
		integration := token(0)
		// Teams made in descending id order, joined in any order.
		var teams []int64
		for _, name := range []string{"C", "B", "A"} {
			tm, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: name, MemberIDs: []int64{agent.ID}})
			if err != nil {
				t.Fatal(err)
			}
			teams = append(teams, tm.ID)
		}
		slices.Sort(teams)
		all, none := access.Defaults(RoleOwner), access.Defaults(RoleAgent)
		exportOnly := access.Permissions{ExportContacts: true}
		tr := true
		fa := false
		if _, err := s.Update(ctx, ws.ID, Settings{Permissions: map[string]*PermissionsInput{
			RoleAgent: {SeeAllConversations: &fa, ExportContacts: &tr, DeleteContacts: &fa}}}); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(all)
		if _, err := s.UpdateUser(ctx, ws.ID, widened.ID, UserUpdate{Permissions: raw}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, token string
			want        access.Permissions
			teams       []int64
		}{
			{"owner", owner, all, nil},
			{"workspace token", integration, all, nil},
			{"manager: the defaults", managerToken, all, nil},
			{"agent: the workspace's setting for agents", agentToken, exportOnly, teams},
			{"agent: their own override", widenedToken, all, nil},
		} {
			p, err := s.Authenticate(ctx, c.token)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if p.Can != c.want || !slices.Equal(p.Teams, c.teams) {
				t.Errorf("%s: can %+v teams %v, want %+v %v", c.name, p.Can, p.Teams, c.want, c.teams)
			}
		}
		// Clearing the override and the setting brings back the defaults.
		if _, err := s.UpdateUser(ctx, ws.ID, widened.ID, UserUpdate{Permissions: json.RawMessage("null")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, ws.ID, Settings{Permissions: map[string]*PermissionsInput{RoleAgent: nil}}); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Authenticate(ctx, widenedToken); p.Can != none || p.Unrestricted() {
			t.Errorf("cleared: can %+v", p.Can)
		}
		// A restricted manager is restricted like an agent.
		if _, err := s.Update(ctx, ws.ID, Settings{Permissions: map[string]*PermissionsInput{
			RoleManager: {SeeAllConversations: &fa, ExportContacts: &fa, DeleteContacts: &fa}}}); err != nil {
			t.Fatal(err)
		}
		if p, _ := s.Authenticate(ctx, managerToken); p.Can != none || p.Unrestricted() || p.UserID != manager.ID {
			t.Errorf("restricted manager: %+v", p)
		}
	})
}
