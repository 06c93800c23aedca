package workspace

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// resetFixture is Ana, with a password, working in Acme and Beta and
// signed in to both; and Bob, who has no password (he acts through API
// tokens).
type resetFixture struct {
	s          *Service
	clk        *clock.Fake
	acme, beta Workspace
}

func newResetFixture(t *testing.T, d *db.DB, opts Options) resetFixture {
	t.Helper()
	ctx := context.Background()
	f := resetFixture{clk: clock.NewFake(time.Unix(1_700_000_000, 0))}
	opts.Clock = f.clk
	f.s = newTestService(d, opts)
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
	_, err = f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "ana@acme.io", Name: "Ana", Password: "correct horse"})
	must(err)
	_, err = f.s.CreateUser(ctx, f.beta.ID, NewUser{Email: "ana@acme.io", Name: "Ana B", JoinAccount: true})
	must(err)
	_, err = f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "bob@acme.io", Name: "Bob"})
	must(err)
	return f
}

func (f resetFixture) signIn(t *testing.T, password string, workspaceID int64) error {
	t.Helper()
	_, err := f.s.SignIn(context.Background(), SignInInput{Email: "ana@acme.io", Password: password, WorkspaceID: workspaceID, TTL: 24 * time.Hour})
	return err
}

func (f resetFixture) start(t *testing.T, email string) (PasswordReset, bool) {
	t.Helper()
	r, ok, err := f.s.StartPasswordReset(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return r, ok
}

// A reset link sets the account's password once, within the hour, and
// only while it is the account's latest; using it signs the account out
// everywhere. Only its hash is stored.
func TestPasswordReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newResetFixture(t, d, Options{SignInPerEmail: NoLimit, SignInPerAddress: NoLimit})
		for _, email := range []string{"nobody@acme.io", "bob@acme.io"} {
			if _, ok := f.start(t, email); ok {
				t.Fatalf("%s: a link for an account that has no password to reset", email)
			}
		}
		var n int
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM password_resets`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d rows (%v) after requests for no account", n, err)
		}
		for _, ws := range []int64{f.acme.ID, f.beta.ID} {
			if err := f.signIn(t, "correct horse", ws); err != nil {
				t.Fatal(err)
			}
		}
		first, ok := f.start(t, " ANA@acme.io ")
		if !ok || first.Email != "ana@acme.io" || first.Name != "Ana" || !strings.HasPrefix(first.Token, "pwr_") ||
			!first.ExpiresAt.Equal(f.clk.Now().Add(time.Hour)) {
			t.Fatalf("link %+v, %v", first, ok)
		}
		latest, _ := f.start(t, "ana@acme.io")
		var stored string
		if err := d.Reader().QueryRow(ctx, `SELECT token_hash FROM password_resets`).Scan(&stored); err != nil ||
			stored == latest.Token || strings.Contains(stored, strings.TrimPrefix(latest.Token, "pwr_")) {
			t.Fatalf("stored %q (%v): the token itself", stored, err)
		}

		cases := []struct {
			name, token, password string
			want                  error
			field                 string
		}{
			{name: "the older link", token: first.Token, password: "battery staple", want: ErrPasswordResetInvalid},
			{name: "an unknown link", token: "pwr_nothing", password: "battery staple", want: ErrPasswordResetInvalid},
			{name: "not a link", token: "inv_" + latest.Token[4:], password: "battery staple", want: ErrPasswordResetInvalid},
			{name: "a short password", token: latest.Token, password: "short", field: "password"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.ResetPassword(ctx, tc.token, tc.password)
				var e *apperr.Error
				switch {
				case tc.want != nil && err != tc.want:
					t.Fatalf("err %v, want %v", err, tc.want)
				case tc.field != "" && (!errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != tc.field):
					t.Fatalf("err %v, want a 422 on %s", err, tc.field)
				}
			})
		}
		if err := f.signIn(t, "correct horse", f.acme.ID); err != nil {
			t.Fatalf("a refused reset changed the password: %v", err)
		}
		f.clk.Advance(time.Hour - time.Second)
		ended, err := f.s.ResetPassword(ctx, latest.Token, "battery staple")
		if err != nil || len(ended) != 3 {
			t.Fatalf("reset: %d sessions ended (%v), want Ana's 3 in both workspaces", len(ended), err)
		}
		if _, err := f.s.ResetPassword(ctx, latest.Token, "another one"); err != ErrPasswordResetInvalid {
			t.Fatalf("the link twice: %v", err)
		}
		if err := f.signIn(t, "correct horse", f.acme.ID); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("the old password: %v", err)
		}
		if err := f.signIn(t, "battery staple", f.beta.ID); err != nil {
			t.Fatalf("the new password in Beta: %v", err)
		}

		expired, _ := f.start(t, "ana@acme.io")
		f.clk.Advance(time.Hour)
		if _, err := f.s.ResetPassword(ctx, expired.Token, "too late now"); err != ErrPasswordResetExpired {
			t.Fatalf("an hour later: %v", err)
		}
	})
}

// Of two uses of one link at once, one sets the password.
func TestPasswordResetOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newResetFixture(t, d, Options{})
		r, _ := f.start(t, "ana@acme.io")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.s.ResetPassword(context.Background(), r.Token, "password "+string(rune('a'+i)))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case err != ErrPasswordResetInvalid:
				t.Fatalf("a use: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d uses set the password, want 1", ok)
		}
	})
}

// Deleting an account with a pending link deletes the link.
func TestPasswordResetOfADeletedAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newResetFixture(t, d, Options{})
		u, err := f.s.CreateUser(ctx, f.acme.ID, NewUser{Email: "cleo@acme.io", Name: "Cleo", Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := f.start(t, "cleo@acme.io")
		if err := f.s.DeleteUser(ctx, f.acme.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ResetPassword(ctx, r.Token, "battery staple"); err != ErrPasswordResetInvalid {
			t.Fatalf("the deleted account's link: %v", err)
		}
	})
}

// Requests for links are limited per email and per client address at the
// sign-in limits' rates, every request counting, in buckets of their own:
// a flood of requests holds nobody's sign-in back.
func TestPasswordResetLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newResetFixture(t, d, Options{SignInPerEmail: Rate{Count: 2, Per: time.Hour}, SignInPerAddress: Rate{Count: 3, Per: time.Hour}})
		steps := []struct {
			email, addr string
			limited     bool
		}{
			{"ana@acme.io", "203.0.113.1", false},
			{"ANA@acme.io", "203.0.113.2", false},
			{"ana@acme.io", "203.0.113.3", true}, // the email's third
			{"nobody@acme.io", "203.0.113.1", false},
			{"other@acme.io", "203.0.113.1", false},
			{"third@acme.io", "203.0.113.1", true}, // the address's fourth
		}
		for i, st := range steps {
			err := f.s.LimitPasswordReset(st.email, st.addr)
			if limited := apperr.KindOf(err) == apperr.KindTooMany; limited != st.limited || (err != nil && !limited) {
				t.Fatalf("request %d (%s from %s): %v, want limited %v", i, st.email, st.addr, err, st.limited)
			}
			if err != nil && !strings.Contains(err.Error(), "password-reset requests") {
				t.Fatalf("request %d: %v", i, err)
			}
		}
		if err := f.signIn(t, "correct horse", f.acme.ID); err != nil {
			t.Fatalf("sign-in after the requests: %v", err)
		}
	})
}

// A link asked for before the password changed another way (the person
// changing it, the operator setting it) no longer works: it would set a
// password over the new one, in the hands of whoever read that mail.
func TestPasswordResetLinkEndsWithAnyPasswordChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(ctx context.Context, f resetFixture) error
	}{
		{"changed by the person", func(ctx context.Context, f resetFixture) error {
			ana, err := f.s.UserByEmail(ctx, "ana@acme.io")
			if err != nil {
				return err
			}
			_, err = f.s.ChangePassword(ctx, ana.WorkspaceID, ana.ID, PasswordChange{Current: "correct horse", New: "battery staple"})
			return err
		}},
		{"set by the operator", func(ctx context.Context, f resetFixture) error {
			_, err := f.s.SetAccountPassword(ctx, "ana@acme.io", "battery staple")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				f := newResetFixture(t, d, Options{SignInPerEmail: NoLimit, SignInPerAddress: NoLimit})
				link, ok := f.start(t, "ana@acme.io")
				if !ok {
					t.Fatal("no link for Ana")
				}
				if err := tc.change(ctx, f); err != nil {
					t.Fatal(err)
				}
				if _, err := f.s.ResetPassword(ctx, link.Token, "the link's password"); !errors.Is(err, ErrPasswordResetInvalid) {
					t.Fatalf("the link after the change: %v, want it invalid", err)
				}
				if err := f.signIn(t, "battery staple", f.acme.ID); err != nil {
					t.Fatalf("the new password: %v", err)
				}
			})
		})
	}
}
