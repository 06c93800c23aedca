package workspace

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

type inviteFixture struct {
	s   *Service
	clk *clock.Fake
	ws  Workspace
}

func newInviteFixture(t *testing.T, d *db.DB, opts Options) inviteFixture {
	t.Helper()
	f := inviteFixture{clk: clock.NewFake(time.Unix(1_700_000_000, 0))}
	opts.Clock = f.clk
	f.s = newTestService(d, opts)
	var err error
	if f.ws, err = f.s.Create(context.Background(), "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f inviteFixture) invite(t *testing.T, email string, ttl time.Duration, teams ...int64) (Invitation, string) {
	t.Helper()
	inv, raw, err := f.s.Invite(context.Background(), f.ws.ID, NewInvitation{Email: email, Role: RoleAgent, TeamIDs: teams, TTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	return inv, raw
}

func (f inviteFixture) accept(token, name, password string) (SignedIn, error) {
	return f.s.AcceptInvitation(context.Background(), AcceptInput{Token: token, Name: name, Password: password,
		ClientAddr: "203.0.113.9", TTL: time.Hour})
}

// An accepted invitation makes a member with the invitation's role and
// teams, signed in with a session; the link then answers "used".
func TestInvitationAcceptCreatesMemberOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		team, err := f.s.CreateTeam(ctx, f.ws.ID, TeamInput{Name: "Sales"})
		if err != nil {
			t.Fatal(err)
		}
		_, raw := f.invite(t, "New.Person@Example.com", 0, team.ID)
		prev, err := f.s.PreviewInvitation(ctx, raw)
		if err != nil || prev.Email != "new.person@example.com" || prev.WorkspaceName != "Acme" || prev.HasAccount {
			t.Fatalf("preview = %+v, %v", prev, err)
		}
		if _, err := f.accept(raw, "", "long enough"); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("accept without a name: %v, want 422", err)
		}
		in, err := f.accept(raw, "New Person", "long enough")
		if err != nil {
			t.Fatal(err)
		}
		if in.User.Role != RoleAgent || len(in.User.TeamIDs) != 1 || in.User.TeamIDs[0] != team.ID || in.User.Name != "New Person" {
			t.Fatalf("user = %+v", in.User)
		}
		p, err := f.s.Authenticate(ctx, in.Token)
		if err != nil || p.TokenKind != KindSession || p.UserID != in.User.ID {
			t.Fatalf("session: %+v, %v", p, err)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "new.person@example.com", Password: "long enough", TTL: time.Hour}); err != nil {
			t.Fatalf("sign in with the chosen password: %v", err)
		}
		if _, err := f.accept(raw, "Again", "long enough"); err != ErrInvitationUsed {
			t.Fatalf("second accept: %v, want used", err)
		}
		if _, err := f.s.PreviewInvitation(ctx, raw); err != ErrInvitationUsed {
			t.Fatalf("preview after use: %v, want used", err)
		}
		list, err := f.s.Invitations(ctx, f.ws.ID, page.Request{Limit: 50})
		if err != nil || len(list.Data) != 0 {
			t.Fatalf("pending after use = %+v, %v", list.Data, err)
		}
	})
}

// Expiry follows the service's clock: the link works until its time, not
// after, and an expired invitation leaves the pending list.
func TestInvitationExpires(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		inv, raw := f.invite(t, "late@example.com", time.Hour)
		if !inv.ExpiresAt.Equal(f.clk.Now().Add(time.Hour)) {
			t.Fatalf("expires_at = %v", inv.ExpiresAt)
		}
		_, def := f.invite(t, "default@example.com", 0)
		f.clk.Advance(time.Hour - time.Second)
		if _, err := f.s.PreviewInvitation(ctx, raw); err != nil {
			t.Fatalf("before expiry: %v", err)
		}
		f.clk.Advance(time.Second)
		if _, err := f.accept(raw, "Late", "long enough"); err != ErrInvitationExpired {
			t.Fatalf("accept at expiry: %v, want expired", err)
		}
		list, _ := f.s.Invitations(ctx, f.ws.ID, page.Request{Limit: 50})
		if len(list.Data) != 1 || list.Data[0].Email != "default@example.com" {
			t.Fatalf("pending = %+v", list.Data)
		}
		// The default lasts seven days.
		f.clk.Advance(DefaultInvitationTTL - time.Hour)
		if _, err := f.s.PreviewInvitation(ctx, def); err != ErrInvitationExpired {
			t.Fatalf("default after 7 days: %v, want expired", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM users WHERE workspace_id = ?`, f.ws.ID); n != 0 {
			t.Fatalf("%d users after expired accepts", n)
		}
	})
}

// A revoked invitation, a wrong token and a token of another shape all
// fail, and nothing is created.
func TestInvitationRevokedAndWrongToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		inv, raw := f.invite(t, "gone@example.com", 0)
		if err := f.s.RevokeInvitation(ctx, f.ws.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.RevokeInvitation(ctx, f.ws.ID, inv.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("revoke twice: %v, want 404", err)
		}
		if _, err := f.accept(raw, "Gone", "long enough"); err != ErrInvitationRevoked {
			t.Fatalf("accept revoked: %v", err)
		}
		for _, tok := range []string{raw + "x", "inv_nope", "sb_whatever", ""} {
			if _, err := f.accept(tok, "X", "long enough"); err != ErrInvitationNotFound {
				t.Fatalf("accept %q: %v, want not found", tok, err)
			}
		}
		other, err := f.s.Create(ctx, "Other", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.RevokeInvitation(ctx, other.ID, inv.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("revoke from another workspace: %v", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM accounts`); n != 0 {
			t.Fatalf("%d accounts", n)
		}
	})
}

// A person who already has an account joins with its password, which
// stays theirs; a wrong one is refused.
func TestInvitationExistingAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		other, _ := f.s.Create(ctx, "Other", "UTC")
		if _, err := f.s.CreateUser(ctx, other.ID, NewUser{Email: "bea@example.com", Name: "Bea", Password: "bea's secret"}); err != nil {
			t.Fatal(err)
		}
		_, raw := f.invite(t, "bea@example.com", 0)
		_, second := f.invite(t, "bea@example.com", 0) // sent twice before she joined
		prev, err := f.s.PreviewInvitation(ctx, raw)
		if err != nil || !prev.HasAccount {
			t.Fatalf("preview = %+v, %v", prev, err)
		}
		if _, err := f.accept(raw, "", "a new password"); err != errInvitePassword {
			t.Fatalf("wrong password: %v", err)
		}
		in, err := f.accept(raw, "", "bea's secret")
		if err != nil || in.User.Name != "Bea" || in.User.WorkspaceID != f.ws.ID {
			t.Fatalf("accept: %+v, %v", in.User, err)
		}
		// The other link, once she is a member, says so by its code (the
		// page says it in the reader's language).
		var e *apperr.Error
		if _, err := f.accept(second, "", "bea's secret"); !errors.As(err, &e) || e.Kind != apperr.KindConflict || e.Code != "already_member" {
			t.Fatalf("the second link of a member: %v; want 409 already_member", err)
		}
		// Already a member: a second invitation is refused.
		if _, _, err := f.s.Invite(ctx, f.ws.ID, NewInvitation{Email: "bea@example.com"}); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("invite a member: %v", err)
		}
	})
}

// An account without a password (a member who acts only through API
// tokens) cannot join by invitation: nobody knows a password to prove it
// is theirs, and letting the link set one would hand whoever holds the
// link that member's sign-in in its own workspace. The answer says so
// instead of calling every password wrong, and counts no failed sign-in.
func TestInvitationToAnAccountWithoutPasswordSaysWhy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{SignInPerEmail: Rate{Count: 1, Per: time.Hour}, SignInPerAddress: NoLimit})
		other, _ := f.s.Create(ctx, "Other", "UTC")
		if _, err := f.s.CreateUser(ctx, other.ID, NewUser{Email: "bot@example.com", Name: "CRM sync"}); err != nil {
			t.Fatal(err)
		}
		_, raw := f.invite(t, "bot@example.com", 0)
		for range 3 {
			_, err := f.accept(raw, "Bot", "any password at all")
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindConflict || e.Code != "account_without_password" {
				t.Fatalf("accept = %v; want 409 account_without_password", err)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM users WHERE workspace_id = ?`, f.ws.ID); n != 0 {
			t.Fatalf("%d members joined", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM accounts WHERE email = 'bot@example.com' AND password_hash = ''`); n != 1 {
			t.Fatal("the account got a password")
		}
	})
}

// Many accepts of one link at once: exactly one wins, every other is told
// it was used, and one membership exists.
func TestInvitationConcurrentAcceptsOneWins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInviteFixture(t, d, Options{SignInPerEmail: NoLimit, SignInPerAddress: NoLimit})
		_, raw := f.invite(t, "race@example.com", 0)
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.accept(raw, "Racer", "long enough")
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case err == ErrInvitationUsed:
			default:
				t.Errorf("accept: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d accepts won, want 1", won)
		}
		if c := dbtest.Count(t, d, `SELECT COUNT(*) FROM users WHERE workspace_id = ?`, f.ws.ID); c != 1 {
			t.Fatalf("%d members", c)
		}
	})
}

// Guessing tokens is limited like guessing passwords.
func TestInvitationAcceptIsRateLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInviteFixture(t, d, Options{SignInPerAddress: Rate{Count: 3, Per: time.Minute}})
		for i := range 3 {
			if _, err := f.accept("inv_guess", "X", "long enough"); err != ErrInvitationNotFound {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if _, err := f.accept("inv_guess2", "X", "long enough"); apperr.KindOf(err) != apperr.KindTooMany {
			t.Fatalf("fourth guess: %v, want 429", err)
		}
	})
}

// Invitations check their input.
func TestInviteValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{})
		for _, in := range []NewInvitation{{Email: "nope"}, {Email: "a@b.c", Role: "boss"}, {Email: "a@b.c", TeamIDs: []int64{999}},
			{Email: "a@b.c", TTL: 31 * 24 * time.Hour}, {Email: "a@b.c", Language: "de"}} {
			if _, _, err := f.s.Invite(ctx, f.ws.ID, in); !errors.Is(err, apperr.ErrInvalid) {
				t.Errorf("%+v: %v, want 422", in, err)
			}
		}
	})
}

// Guessing an existing account's password through invitation links counts
// against that email's sign-in limit, as guessing it at sign-in does: a
// manager who may invite anyone gets a fresh link as often as they like,
// so the link's own limit would let them guess without end.
func TestInvitationWrongAccountPasswordCountsForTheEmail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{SignInPerEmail: Rate{Count: 3, Per: 15 * time.Minute}, SignInPerAddress: NoLimit})
		other, _ := f.s.Create(ctx, "Other", "UTC")
		if _, err := f.s.CreateUser(ctx, other.ID, NewUser{Email: "bea@example.com", Name: "Bea", Password: "bea's secret"}); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			_, raw := f.invite(t, "bea@example.com", 0) // a new link each time
			if _, err := f.accept(raw, "", "guess number "+string(rune('a'+i))); err != errInvitePassword {
				t.Fatalf("guess %d: %v, want account_password", i+1, err)
			}
		}
		_, raw := f.invite(t, "bea@example.com", 0)
		if _, err := f.accept(raw, "", "bea's secret"); apperr.KindOf(err) != apperr.KindTooMany {
			t.Fatalf("fourth try through a fresh link: %v, want 429", err)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "bea@example.com", Password: "bea's secret", TTL: time.Hour}); apperr.KindOf(err) != apperr.KindTooMany {
			t.Fatalf("sign-in after three wrong passwords through links: %v, want 429", err)
		}
		f.clk.Advance(5 * time.Minute)
		if _, err := f.accept(raw, "", "bea's secret"); err != nil {
			t.Fatalf("the right password once a token refilled: %v", err)
		}
	})
}

// An accept whose account password was checked just before the person
// changed it makes no membership and no session, as a sign-in racing the
// change does not: the link stays pending for the new password.
func TestInvitationAcceptRacingAPasswordChangeJoinsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newInviteFixture(t, d, Options{HashConcurrency: 4})
		other, _ := f.s.Create(ctx, "Other", "UTC")
		bea, err := f.s.CreateUser(ctx, other.ID, NewUser{Email: "bea@example.com", Name: "Bea", Password: "bea's secret"})
		if err != nil {
			t.Fatal(err)
		}
		_, raw := f.invite(t, "bea@example.com", 0)
		inner := f.s.hasher.derive
		var held atomic.Bool
		checking, release := make(chan struct{}), make(chan struct{})
		f.s.hasher.derive = func(password string, salt []byte, iter, keyLen int) ([]byte, error) {
			key, err := inner(password, salt, iter, keyLen)
			if held.CompareAndSwap(false, true) { // the accept's check, and only it
				close(checking)
				<-release
			}
			return key, err
		}
		accepted := make(chan error, 1)
		go func() { _, err := f.accept(raw, "", "bea's secret"); accepted <- err }()
		<-checking
		if _, err := f.s.ChangePassword(ctx, other.ID, bea.ID, PasswordChange{Current: "bea's secret", New: "a new secret"}); err != nil {
			t.Fatal(err)
		}
		close(release)
		if err := <-accepted; err != errInvitePassword {
			t.Fatalf("accept with the password changed meanwhile: %v, want account_password", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM users WHERE workspace_id = ?`, f.ws.ID); n != 0 {
			t.Fatalf("%d members after the refused accept", n)
		}
		if _, err := f.accept(raw, "", "a new secret"); err != nil {
			t.Fatalf("accept with the new password: %v", err)
		}
	})
}
