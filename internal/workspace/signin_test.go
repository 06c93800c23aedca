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
)

// derivations records the key derivations a Service runs.
type derivations struct {
	mu    sync.Mutex
	iters []int
}

func (d *derivations) count(s *Service) {
	inner := s.hasher.derive
	s.hasher.derive = func(password string, salt []byte, iter, keyLen int) ([]byte, error) {
		d.mu.Lock()
		d.iters = append(d.iters, iter)
		d.mu.Unlock()
		return inner(password, salt, iter, keyLen)
	}
}

func (d *derivations) take() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.iters
	d.iters = nil
	return out
}

// Every sign-in costs exactly one derivation of the same count, whatever
// the answer: a known or unknown email, a right or wrong password, a user
// without a password or deactivated. Unknown emails can no longer be told
// by how fast they are refused.
func TestSignInCostsTheSameForEveryone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{SignInPerEmail: NoLimit, SignInPerAddress: NoLimit})
		var spent derivations
		ws, _ := s.Create(ctx, "Acme", "UTC")
		if _, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "ana@acme.io", Name: "Ana", Password: "correct horse"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "tok@acme.io", Name: "Token only"}); err != nil {
			t.Fatal(err)
		}
		gone, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "gone@acme.io", Name: "Gone", Password: "correct horse"})
		if _, err := s.DeactivateUser(ctx, ws.ID, gone.ID, nil); err != nil {
			t.Fatal(err)
		}
		spent.count(s)
		for _, tc := range []struct {
			name, email, password string
			ok                    bool
		}{
			{"known email, right password", "ana@acme.io", "correct horse", true},
			{"known email, wrong password", "ana@acme.io", "wrong horse", false},
			{"unknown email", "nobody@acme.io", "correct horse", false},
			{"user without a password", "tok@acme.io", "", false},
			{"deactivated, right password", "gone@acme.io", "correct horse", false},
			{"deactivated, wrong password", "gone@acme.io", "wrong horse", false},
		} {
			in, err := s.SignIn(ctx, SignInInput{Email: tc.email, Password: tc.password, TTL: time.Hour})
			if tc.ok != (err == nil && in.Token != "") {
				t.Errorf("%s: err %v", tc.name, err)
			}
			if !tc.ok && !errors.Is(err, apperr.ErrUnauthorized) {
				t.Errorf("%s: %v; want 401", tc.name, err)
			}
			if got := spent.take(); len(got) != 1 || got[0] != testIterations {
				t.Errorf("%s: derivations %v; want exactly one of %d iterations", tc.name, got, testIterations)
			}
		}
	})
}

// Failed sign-ins are limited per email and per address; a refused
// attempt costs no derivation, a successful sign-in never counts, and
// one email's failures never slow another's sign-in.
func TestSignInLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Unix(1_700_000_000, 0))
		s := newTestService(d, Options{Clock: clk, SignInPerEmail: Rate{Count: 3, Per: 15 * time.Minute},
			SignInPerAddress: Rate{Count: 5, Per: time.Minute}})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		for _, email := range []string{"ana@acme.io", "bob@acme.io"} {
			if _, err := s.CreateUser(ctx, ws.ID, NewUser{Email: email, Name: "U", Password: "correct horse"}); err != nil {
				t.Fatal(err)
			}
		}
		var spent derivations
		spent.count(s)
		signIn := func(email, password, addr string) error {
			_, err := s.SignIn(ctx, SignInInput{Email: email, Password: password, ClientAddr: addr, TTL: time.Hour})
			return err
		}
		tooMany := func(err error, wait time.Duration) bool {
			var e *apperr.Error
			return errors.As(err, &e) && e.Kind == apperr.KindTooMany && e.RetryAfter == wait
		}

		// Bob signs in more often than any limit: successes do not count.
		for range 8 {
			if err := signIn("bob@acme.io", "correct horse", "198.51.100.1"); err != nil {
				t.Fatalf("bob's sign-in: %v", err)
			}
		}
		// Three wrong passwords for Ana, from three addresses: the fourth
		// is refused for the email, without a derivation.
		for i, addr := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
			if err := signIn("ANA@acme.io", "wrong", addr); !errors.Is(err, apperr.ErrUnauthorized) {
				t.Fatalf("wrong password %d: %v", i+1, err)
			}
		}
		spent.take()
		if err := signIn("ana@acme.io", "correct horse", "203.0.113.4"); !tooMany(err, 5*time.Minute) {
			t.Fatalf("fourth attempt for ana = %v; want 429 retrying after 5m", err)
		}
		if n := len(spent.take()); n != 0 {
			t.Fatalf("a refused attempt ran %d derivations", n)
		}
		// Bob is not slowed by Ana's failures.
		if err := signIn("bob@acme.io", "correct horse", "203.0.113.4"); err != nil {
			t.Fatalf("bob after ana's failures: %v", err)
		}
		clk.Advance(5 * time.Minute)
		if err := signIn("ana@acme.io", "correct horse", "203.0.113.4"); err != nil {
			t.Fatalf("ana once a token refilled: %v", err)
		}

		// Five failures from one address, over several emails: the sixth
		// from there is refused, another address is not.
		for i := range 5 {
			if err := signIn("nobody"+string(rune('a'+i))+"@acme.io", "x", "192.0.2.9"); !errors.Is(err, apperr.ErrUnauthorized) {
				t.Fatalf("failure %d from the address: %v", i+1, err)
			}
		}
		if err := signIn("bob@acme.io", "correct horse", "192.0.2.9"); !tooMany(err, 12*time.Second) {
			t.Fatalf("sixth attempt from the address = %v; want 429 retrying after 12s", err)
		}
		if err := signIn("bob@acme.io", "correct horse", "192.0.2.10"); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

// A sign-in whose password was checked just before the person changed
// it opens no session: the change signs out whoever knew the old
// password, and a sign-in still deriving the old key when it committed
// must not slip in after it.
func TestSignInRacingAPasswordChangeOpensNoSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{HashConcurrency: 4})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		ana, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "ana@acme.io", Name: "Ana", Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		inner := s.hasher.derive
		var held atomic.Bool
		checking, release := make(chan struct{}), make(chan struct{})
		s.hasher.derive = func(password string, salt []byte, iter, keyLen int) ([]byte, error) {
			key, err := inner(password, salt, iter, keyLen)
			if held.CompareAndSwap(false, true) { // the sign-in's check, and only it
				close(checking)
				<-release
			}
			return key, err
		}
		signedIn := make(chan error, 1)
		go func() {
			_, err := s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse", TTL: time.Hour})
			signedIn <- err
		}()
		<-checking // the old password is right, so far
		if _, err := s.ChangePassword(ctx, ws.ID, ana.ID, PasswordChange{Current: "correct horse", New: "battery staple"}); err != nil {
			t.Fatal(err)
		}
		close(release)
		if err := <-signedIn; !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("sign-in with the password changed meanwhile: %v, want 401", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens WHERE kind = 'session'`); n != 0 {
			t.Fatalf("%d sessions after the change, want 0", n)
		}
	})
}

// A user with no password yet who asks to change it is told to get a
// first one from a manager (409); that is no guess of a password, so it
// does not count against the sign-in limits: it used to, and a few tries
// left the address and the email refused for a while.
func TestChangingAPasswordOneHasNotIsNoFailedSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Unix(1_700_000_000, 0))
		s := newTestService(d, Options{Clock: clk, SignInPerEmail: Rate{Count: 3, Per: 15 * time.Minute},
			SignInPerAddress: Rate{Count: 5, Per: time.Minute}})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "api@acme.io", Name: "API"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			_, err := s.ChangePassword(ctx, ws.ID, u.ID, PasswordChange{Current: "", New: "a first password", ClientAddr: "198.51.100.7"})
			if !errors.Is(err, apperr.ErrConflict) {
				t.Fatalf("try %d: %v, want 409 (no password yet), never 429", i+1, err)
			}
		}
	})
}
