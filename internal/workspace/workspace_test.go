package workspace

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

func TestUsersTeamsTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Now())
		s := newTestService(d, Options{Clock: clk})
		ws, err := s.Create(ctx, "Acme", "Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, "Bad", "Mars/Olympus"); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("bad timezone = %v", err)
		}
		owner, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "Owner@Acme.io", Name: "O", Role: RoleOwner, Password: "correct horse"})
		if err != nil || owner.Email != "owner@acme.io" {
			t.Fatalf("create owner = %+v, %v", owner, err)
		}
		if _, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "owner@acme.io", Name: "Dup"}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("duplicate email = %v", err)
		}
		agent, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "agent@acme.io", Name: "A"})
		// The last owner cannot be demoted.
		if _, err := s.UpdateUser(ctx, ws.ID, owner.ID, UserUpdate{Role: ptr(RoleAgent)}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("demote last owner = %v", err)
		}
		team, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "Support", MemberIDs: []int64{agent.ID, owner.ID}})
		if err != nil || len(team.MemberIDs) != 2 {
			t.Fatalf("team = %+v, %v", team, err)
		}
		other, _ := s.Create(ctx, "Other", "UTC")
		stranger, _ := s.CreateUser(ctx, other.ID, NewUser{Email: "s@o.io", Name: "S"})
		if _, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "Mixed", MemberIDs: []int64{stranger.ID}}); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("team with a stranger = %v", err)
		}
		if got, _ := s.GetUser(ctx, ws.ID, agent.ID); len(got.TeamIDs) != 1 || got.TeamIDs[0] != team.ID {
			t.Fatalf("agent's teams = %v", got.TeamIDs)
		}
		// Sign-in opens a session token that authenticates with the user's role.
		if _, err := s.SignIn(ctx, SignInInput{Email: "owner@acme.io", Password: "wrong password", TTL: time.Hour}); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("wrong password = %v", err)
		}
		in, err := s.SignIn(ctx, SignInInput{Email: "OWNER@acme.io", Password: "correct horse", TTL: time.Hour})
		session := in.Token
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Authenticate(ctx, session)
		if err != nil || p.UserID != owner.ID || p.Role != RoleOwner || p.WorkspaceID != ws.ID {
			t.Fatalf("session principal = %+v, %v", p, err)
		}
		tok, raw, err := s.CreateToken(ctx, ws.ID, NewToken{Name: "zapier", UserID: agent.ID})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := s.Authenticate(ctx, raw); err != nil || p.Role != RoleAgent {
			t.Fatalf("agent token = %+v, %v", p, err)
		}
		var stored string
		d.Reader().QueryRow(ctx, `SELECT token_hash FROM api_tokens WHERE id = ?`, tok.ID).Scan(&stored)
		if stored == raw || stored == "" {
			t.Fatal("token stored in clear")
		}
		if err := s.RevokeToken(ctx, ws.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, raw); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("revoked token = %v", err)
		}
		_, expired, _ := s.CreateToken(ctx, ws.ID, NewToken{Name: "short", TTL: time.Minute})
		if _, err := s.Authenticate(ctx, expired); err != nil {
			t.Fatalf("token before expiry = %v", err)
		}
		clk.Advance(time.Minute)
		if _, err := s.Authenticate(ctx, expired); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("expired token = %v", err)
		}
	})
}

// Found by the API tests: a workspace whose only owner is a token must
// still let agents be renamed, and a token may not act as another
// workspace's user.
func TestUpdateAndTokenBoundaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, _ := s.Create(ctx, "A", "UTC")
		other, _ := s.Create(ctx, "B", "UTC")
		agent, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "agent@a.io", Name: "Agent"})
		if u, err := s.UpdateUser(ctx, ws.ID, agent.ID, UserUpdate{Name: ptr("Renamed")}); err != nil || u.Name != "Renamed" {
			t.Fatalf("rename an agent with no owner user = %+v, %v", u, err)
		}
		if _, _, err := s.CreateToken(ctx, other.ID, NewToken{Name: "x", UserID: agent.ID}); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("token for another workspace's user = %v, want invalid", err)
		}
		tok, raw, _ := s.CreateToken(ctx, ws.ID, NewToken{Name: "used"})
		if _, err := s.Authenticate(ctx, raw); err != nil {
			t.Fatal(err)
		}
		pg, _ := s.ListTokens(ctx, ws.ID, page.All())
		list := pg.Data
		if len(list) != 1 || list[0].ID != tok.ID || list[0].LastUsedAt.IsZero() {
			t.Fatalf("tokens after use = %+v, want last_used_at set", list)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// testIterations is the PBKDF2 count tests hash with: production's costs
// a third of a second, which tests must not spend on every user.
const testIterations = 1_000

// newTestService returns a Service whose password hashes are cheap.
func newTestService(d *db.DB, opts Options) *Service {
	opts.PasswordIterations = testIterations
	return NewWithOptions(d, opts)
}

// A user's or an invitation's email is a bare address: a display name,
// angle brackets or a comment around it would be stored as the account's
// email, which signs in with nothing a person types. Each is a 422.
func TestUserEmailIsABareAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{})
		ws, err := s.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		odd := []string{"Ada <ada@acme.io>", "<ada@acme.io>", "ada@acme.io (Ada)", `"ada"@acme.io`}
		for _, email := range odd {
			if inv, _, err := s.Invite(ctx, ws.ID, NewInvitation{Email: email}); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("invite %q: %+v, %v; want 422", email, inv, err)
			}
		}
		for _, email := range odd {
			if u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: email, Name: "Ada"}); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("create user %q: %+v, %v; want 422", email, u, err)
			}
		}
		if u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: " Ada@Acme.io ", Name: "Ada"}); err != nil || u.Email != "ada@acme.io" {
			t.Fatalf("create user with a plain address: %+v, %v", u, err)
		}
		if inv, _, err := s.Invite(ctx, ws.ID, NewInvitation{Email: "Bob@Acme.io"}); err != nil || inv.Email != "bob@acme.io" {
			t.Fatalf("invite a plain address: %+v, %v", inv, err)
		}
	})
}

// A workspace's time zone is an IANA name every node and browser reads
// alike. Go's time.LoadLocation also takes "Local", the zone of whichever
// node reads it (reports and business hours would differ per node) and
// no name a browser's Intl knows (the app's dates throw on it): a 422.
func TestWorkspaceTimezoneIsAnIANAName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, err := s.Create(ctx, "Acme", "Europe/Paris")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, ws.ID, Settings{Timezone: ptr("Local")}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("timezone Local: %v; want 422", err)
		}
		if _, err := s.Create(ctx, "Other", "Local"); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("create with timezone Local: %v; want 422", err)
		}
		if got, err := s.Get(ctx, ws.ID); err != nil || got.Timezone != "Europe/Paris" {
			t.Fatalf("timezone after the refusal: %q, %v", got.Timezone, err)
		}
		if got, err := s.Update(ctx, ws.ID, Settings{Timezone: ptr("America/New_York")}); err != nil || got.Timezone != "America/New_York" {
			t.Fatalf("timezone America/New_York: %+v, %v", got, err)
		}
	})
}

// A workspace's name is trimmed, like a user's and a team's, and one of
// only spaces is no name: a 422, not a workspace the app shows blank.
func TestWorkspaceNameIsTrimmed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, err := s.Create(ctx, "  Acme  ", "UTC")
		if err != nil || ws.Name != "Acme" {
			t.Fatalf("create: %+v, %v; want the name Acme", ws, err)
		}
		if _, err := s.Create(ctx, " \t ", "UTC"); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("create with a blank name: %v; want 422", err)
		}
		if _, err := s.Update(ctx, ws.ID, Settings{Name: ptr("   ")}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("rename to a blank name: %v; want 422", err)
		}
		if got, err := s.Update(ctx, ws.ID, Settings{Name: ptr(" Acme Inc ")}); err != nil || got.Name != "Acme Inc" {
			t.Fatalf("rename: %+v, %v; want Acme Inc", got, err)
		}
	})
}
