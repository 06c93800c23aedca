package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// twoWorkspaces is one person, Ana, working in Acme (agent, created
// first, with her password) and in Beta (manager, added later by the
// operator with a password of Beta's choosing, which must not become
// hers; through the API, Beta would invite her).
type twoWorkspaces struct {
	s          *Service
	acme, beta Workspace
	inAcme     User // Ana's membership of Acme
	inBeta     User // Ana's membership of Beta
}

func newTwoWorkspaces(t *testing.T, d *db.DB) twoWorkspaces {
	t.Helper()
	ctx := context.Background()
	f := twoWorkspaces{s: newTestService(d, Options{SignInPerEmail: NoLimit, SignInPerAddress: NoLimit})}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.acme, err = f.s.Create(ctx, "Acme", "UTC")
	must(err)
	f.beta, err = f.s.Create(ctx, "Beta", "UTC")
	must(err)
	// Acme's owner, so that Ana can be deactivated and deleted there.
	_, err = f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "boss@acme.io", Name: "Boss", Role: RoleOwner})
	must(err)
	_, err = f.s.CreateUser(ctx, f.beta.ID, NewUser{Email: "boss@beta.io", Name: "Boss", Role: RoleOwner})
	must(err)
	f.inAcme, err = f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "ana@acme.io", Name: "Ana Acmesecret", Password: "correct horse"})
	must(err)
	f.inBeta, err = f.s.CreateUser(ctx, f.beta.ID, NewUser{Email: " ANA@acme.io", Name: "Ana B", Role: RoleManager, Password: "chosen by beta", JoinAccount: true})
	must(err)
	return f
}

// signIn signs Ana in and fails the test on error.
func (f twoWorkspaces) signIn(t *testing.T, password string, workspaceID int64) SignedIn {
	t.Helper()
	out, err := f.s.SignIn(context.Background(), SignInInput{Email: "ana@acme.io", Password: password, WorkspaceID: workspaceID, TTL: time.Hour})
	if err != nil {
		t.Fatalf("sign in to %d: %v", workspaceID, err)
	}
	return out
}

// The operator adding a person who already works elsewhere makes an
// ordinary member: nothing of the other workspace in the answer, and the
// password it chose does not replace the person's.
func TestAddingSomeoneFromAnotherWorkspaceLeaksNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoWorkspaces(t, d)
		want := User{ID: f.inBeta.ID, WorkspaceID: f.beta.ID, Email: "ana@acme.io", Name: "Ana B", Role: RoleManager, Status: "online",
			TeamIDs: []int64{}, CreatedAt: f.inBeta.CreatedAt, Kind: KindHuman}
		if !reflect.DeepEqual(f.inBeta, want) {
			t.Fatalf("created %+v; want %+v", f.inBeta, want)
		}
		got, err := f.s.GetUser(ctx, f.beta.ID, f.inBeta.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("get = %+v, %v; want %+v", got, err, want)
		}
		list, _ := f.s.ListUsers(ctx, f.beta.ID, page.All())
		b, _ := json.Marshal(list)
		for _, secret := range []string{"Acmesecret", "Acme\"", `"agent"`, `"workspace_id":` + strconv.FormatInt(f.acme.ID, 10) + `,`} {
			if strings.Contains(string(b), secret) {
				t.Errorf("Beta's users show %s: %s", secret, b)
			}
		}
		// Twice in one workspace is still a conflict.
		if _, err := f.s.CreateUser(ctx, f.beta.ID, NewUser{Email: "ana@ACME.io", Name: "Again", JoinAccount: true}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("second Ana in Beta = %v; want 409", err)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "chosen by beta", WorkspaceID: f.beta.ID}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("Beta's password signs Ana in: %v", err)
		}
		// Beta cannot reset the password of someone who also works in Acme:
		// it would open Acme too.
		pw := "taken over!"
		if _, err := f.s.UpdateUser(ctx, f.beta.ID, f.inBeta.ID, UserUpdate{Password: &pw}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("Beta resets Ana's password: %v; want 409", err)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: pw}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("the refused reset signs in: %v", err)
		}
	})
}

// A workspace cannot attach an account it did not make: Beta's manager
// makes victim@corp.io with a password of their choosing before the real
// person ever signs up; when Acme, where she works, adds that email, it
// must not become a member whose password Beta knows. Acme is told to
// invite her, and the invitation is accepted only with the account's
// password, which she must prove.
func TestAddingAnEmailThatSignsInElsewhereNeedsAnInvitation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoWorkspaces(t, d)
		if _, err := f.s.CreateUser(ctx, f.beta.ID, NewUser{Email: "victim@corp.io", Name: "Vic", Password: "beta knows this"}); err != nil {
			t.Fatal(err)
		}
		before := dbtest.Count(t, d, `SELECT COUNT(*) FROM users`)
		_, err := f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "VICTIM@corp.io", Name: "Victoria", Role: RoleManager, Password: "acme's own"})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindConflict || e.Code != "account_exists" || !strings.Contains(e.Message, "invite") {
			t.Fatalf("Acme adds an email Beta made = %v; want 409 account_exists saying to invite", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM users`); n != before {
			t.Fatalf("the refused add wrote %d users", n-before)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "victim@corp.io", Password: "beta knows this", WorkspaceID: f.acme.ID, TTL: time.Hour}); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("Beta's password signs in to Acme: %v", err)
		}
		// Ana, who works in Acme already, is refused alike in a third
		// workspace: a membership is the person's to accept.
		gamma, _ := f.s.Create(ctx, "Gamma", "UTC")
		if _, err := f.s.CreateUser(ctx, gamma.ID, NewUser{Email: "ana@acme.io", Name: "Ana"}); !errors.As(err, &e) || e.Code != "account_exists" {
			t.Fatalf("Gamma adds Ana = %v; want account_exists", err)
		}
		_, token, err := f.s.Invite(ctx, gamma.ID, NewInvitation{Email: "ana@acme.io"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AcceptInvitation(ctx, AcceptInput{Token: token, Password: "wrong horse", TTL: time.Hour}); !errors.Is(err, errInvitePassword) {
			t.Fatalf("accept with a wrong password = %v", err)
		}
		in, err := f.s.AcceptInvitation(ctx, AcceptInput{Token: token, Password: "correct horse", TTL: time.Hour})
		if err != nil || in.User.WorkspaceID != gamma.ID || in.User.Email != "ana@acme.io" {
			t.Fatalf("accept with her password = %+v, %v", in.User, err)
		}
	})
}

// Sign-in lists a person's workspaces; a token is for one of them.
func TestSignInListsWorkspacesAndATokenIsForOne(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoWorkspaces(t, d)
		both := []AccountWorkspace{{ID: f.acme.ID, Name: "Acme", Role: RoleAgent, UserID: f.inAcme.ID},
			{ID: f.beta.ID, Name: "Beta", Role: RoleManager, UserID: f.inBeta.ID}}
		choose := f.signIn(t, "correct horse", 0)
		if choose.Token != "" || !reflect.DeepEqual(choose.Workspaces, both) {
			t.Fatalf("sign-in without a workspace = %+v; want the list %+v and no token", choose, both)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens WHERE kind = 'session'`); n != 0 {
			t.Fatalf("choosing opened %d sessions", n)
		}
		for _, m := range both {
			in := f.signIn(t, "correct horse", m.ID)
			p, err := f.s.Authenticate(ctx, in.Token)
			if err != nil || p.WorkspaceID != m.ID || p.UserID != m.UserID || p.Role != m.Role || in.User.ID != m.UserID {
				t.Fatalf("token for %s acts as %+v (%v); user %+v", m.Name, p, err, in.User)
			}
			a, list, err := f.s.Account(ctx, m.ID, m.UserID)
			if err != nil || a.Email != "ana@acme.io" || a.Name != "Ana Acmesecret" || !reflect.DeepEqual(list, both) {
				t.Fatalf("account = %+v %+v, %v", a, list, err)
			}
		}
		other, _ := f.s.Create(ctx, "Gamma", "UTC")
		for _, ws := range []int64{other.ID, 999_999} {
			if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse", WorkspaceID: ws}); !errors.Is(err, apperr.ErrNotFound) {
				t.Fatalf("sign-in to workspace %d = %v; want 404", ws, err)
			}
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "wrong horse", WorkspaceID: f.beta.ID}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("wrong password with a workspace = %v", err)
		}
	})
}

// A password change is the account's: it applies in every workspace and
// signs the person out of the others.
func TestPasswordChangeAppliesToEveryWorkspace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoWorkspaces(t, d)
		inAcme := f.signIn(t, "correct horse", f.acme.ID)
		inBeta := f.signIn(t, "correct horse", f.beta.ID)
		p, _ := f.s.Authenticate(ctx, inBeta.Token)
		acmeSession, _ := f.s.Authenticate(ctx, inAcme.Token)
		ended, err := f.s.ChangePassword(ctx, f.beta.ID, f.inBeta.ID, PasswordChange{Current: "correct horse", New: "battery staple", KeepSession: p.TokenID})
		if err != nil ||
			!reflect.DeepEqual(ended, []EndedSession{{ID: acmeSession.TokenID, WorkspaceID: f.acme.ID, UserID: f.inAcme.ID}}) {
			t.Fatalf("change = %+v, %v; want Acme's session ended", ended, err)
		}
		if _, err := f.s.Authenticate(ctx, inAcme.Token); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("Acme's session survived the change: %v", err)
		}
		if _, err := f.s.Authenticate(ctx, inBeta.Token); err != nil {
			t.Fatalf("the changing session ended: %v", err)
		}
		for _, ws := range []int64{f.acme.ID, f.beta.ID} {
			f.signIn(t, "battery staple", ws)
			if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse", WorkspaceID: ws}); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("old password still signs in to %d: %v", ws, err)
			}
		}
	})
}

// Deactivating or deleting a membership leaves the person's others
// working; the account goes with its last membership.
func TestMembershipsEndOneAtATime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoWorkspaces(t, d)
		inBeta := f.signIn(t, "correct horse", f.beta.ID)
		if _, err := f.s.DeactivateUser(ctx, f.acme.ID, f.inAcme.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Authenticate(ctx, inBeta.Token); err != nil {
			t.Fatalf("deactivated in Acme ends Beta's session: %v", err)
		}
		// Beta is now the only workspace: sign-in goes straight to it.
		only := f.signIn(t, "correct horse", 0)
		if only.Token == "" || only.User.ID != f.inBeta.ID {
			t.Fatalf("sign-in with one active membership = %+v", only)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse", WorkspaceID: f.acme.ID}); !errors.Is(err, apperr.ErrUnauthorized) ||
			!strings.Contains(err.Error(), "deactivated") {
			t.Fatalf("sign-in to Acme while deactivated there = %v", err)
		}
		if _, list, _ := f.s.Account(ctx, f.beta.ID, f.inBeta.ID); len(list) != 1 || list[0].ID != f.beta.ID {
			t.Fatalf("account lists %+v; want Beta only", list)
		}

		if err := f.s.DeleteUser(ctx, f.acme.ID, f.inAcme.ID); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM accounts WHERE email = 'ana@acme.io'`); n != 1 {
			t.Fatalf("%d accounts after leaving Acme; want Ana's still there", n)
		}
		// Ana now works in Beta alone, so Beta may reset her password.
		pw := "reset by beta"
		if _, err := f.s.UpdateUser(ctx, f.beta.ID, f.inBeta.ID, UserUpdate{Password: &pw}); err != nil {
			t.Fatal(err)
		}
		f.signIn(t, pw, 0)
		if err := f.s.DeleteUser(ctx, f.beta.ID, f.inBeta.ID); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM accounts WHERE email = 'ana@acme.io'`); n != 0 {
			t.Fatalf("the account outlived its last membership")
		}
		// The email is free: a new person gets a new account and password.
		if _, err := f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "ana@acme.io", Name: "New Ana", Password: "new person"}); err != nil {
			t.Fatal(err)
		}
		f.signIn(t, "new person", 0)
	})
}
