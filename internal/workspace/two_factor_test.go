package workspace

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// codeOf is the apperr code of err ("" for none).
func codeOf(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// twoFactorFixture is Ana, who works in Acme and Beta, on a service with
// a fake clock and a keyring.
type twoFactorFixture struct {
	twoWorkspaces
	clk *clock.Fake
}

func newTwoFactorFixture(t *testing.T, d *db.DB, opts Options) twoFactorFixture {
	t.Helper()
	key := make([]byte, secret.KeySize)
	rand.Read(key)
	keys, err := secret.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	if opts.SignInPerEmail == (Rate{}) {
		opts.SignInPerEmail, opts.SignInPerAddress = NoLimit, NoLimit
	}
	opts.Clock, opts.Keys = clk, keys
	f := twoFactorFixture{twoWorkspaces: newTwoWorkspaces(t, d), clk: clk}
	f.s = newTestService(d, opts)
	return f
}

// on turns Ana's second factor on from Acme and answers the key and the
// recovery codes.
func (f twoFactorFixture) on(t *testing.T) (string, []string) {
	t.Helper()
	ctx := context.Background()
	setup, err := f.s.BeginTwoFactor(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := f.s.ConfirmTwoFactor(ctx, f.acme.ID, f.inAcme.ID, f.code(t, setup.Secret))
	if err != nil {
		t.Fatal(err)
	}
	return setup.Secret, rc.Codes
}

// code is the key's code of the moment.
func (f twoFactorFixture) code(t *testing.T, key string) string {
	t.Helper()
	c, err := totpCode(key, totpStep(f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f twoFactorFixture) signInWith(workspaceID int64, code string) (SignedIn, error) {
	return f.s.SignIn(context.Background(), SignInInput{Email: "ana@acme.io", Password: "correct horse", Code: code, WorkspaceID: workspaceID, TTL: time.Hour})
}

// Setting up: the password first, then a code of the new key; the key is
// sealed at rest, the QR code holds the otpauth URI, and until confirmed
// nothing changes at sign-in.
func TestTwoFactorSetUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoFactorFixture(t, d, Options{})
		if _, err := f.s.BeginTwoFactor(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "wrong horse"}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("a wrong password: %v", err)
		}
		setup, err := f.s.BeginTwoFactor(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		if len(setup.Secret) != 32 || !strings.Contains(setup.URI, "Switchboard:ana@acme.io?") || !strings.Contains(setup.URI, "secret="+setup.Secret) ||
			!strings.HasPrefix(setup.QRCode, "data:image/png;base64,iVBOR") {
			t.Fatalf("setup = %+v", setup)
		}
		if _, err := f.signInWith(f.acme.ID, ""); err != nil {
			t.Fatalf("set up but not confirmed, a sign-in asks no code: %v", err)
		}
		if _, err := f.s.ConfirmTwoFactor(ctx, f.acme.ID, f.inAcme.ID, "000000"); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("a wrong first code: %v", err)
		}
		rc, err := f.s.ConfirmTwoFactor(ctx, f.acme.ID, f.inAcme.ID, " "+f.code(t, setup.Secret)[:3]+" "+f.code(t, setup.Secret)[3:])
		if err != nil || len(rc.Codes) != recoveryCodeCount {
			t.Fatalf("confirm: %+v, %v", rc, err)
		}
		var stored, pending string
		d.Reader().QueryRow(ctx, `SELECT totp_secret, totp_pending FROM accounts WHERE lower(email) = 'ana@acme.io'`).Scan(&stored, &pending)
		if !secret.IsSealed(stored) || strings.Contains(stored, setup.Secret) || pending != "" {
			t.Fatalf("stored %q, pending %q: want the key sealed and nothing pending", stored, pending)
		}
		if _, err := f.s.ConfirmTwoFactor(ctx, f.acme.ID, f.inAcme.ID, f.code(t, setup.Secret)); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("confirming again: %v", err)
		}
		if _, err := f.s.BeginTwoFactor(ctx, f.inBeta.WorkspaceID, f.inBeta.ID, TwoFactorInput{Password: "correct horse"}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("setting up again, from the other workspace: %v", err)
		}
		a, _, err := f.s.Account(ctx, f.beta.ID, f.inBeta.ID)
		if err != nil || !a.TwoFactor || a.RecoveryCodesLeft != recoveryCodeCount {
			t.Fatalf("the account, from Beta: %+v, %v", a, err)
		}
	})
}

// Signing in with the second factor on: the code is asked, checked, and
// spent (not taken twice, nor one older); a recovery code works once;
// choosing a workspace does not spend the code the session then takes.
func TestTwoFactorSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoFactorFixture(t, d, Options{})
		key, recovery := f.on(t)
		if _, err := f.signInWith(f.acme.ID, ""); codeOf(err) != "two_factor_required" {
			t.Fatalf("no code: %v", err)
		}
		if _, err := f.signInWith(f.acme.ID, "123456"); codeOf(err) != "two_factor_invalid" {
			t.Fatalf("a wrong code: %v", err)
		}
		if _, err := f.signInWith(f.acme.ID, f.code(t, key)); codeOf(err) != "two_factor_invalid" {
			t.Fatalf("the code that confirmed the set-up, again: %v", err)
		}
		f.clk.Advance(totpPeriod)
		now := f.code(t, key)
		list, err := f.signInWith(0, now)
		if err != nil || list.Token != "" || len(list.Workspaces) != 2 {
			t.Fatalf("choosing a workspace: %+v, %v", list, err)
		}
		in, err := f.signInWith(f.beta.ID, now)
		if err != nil || in.Token == "" {
			t.Fatalf("the same code, with the workspace: %+v, %v", in, err)
		}
		if _, err := f.signInWith(f.acme.ID, now); codeOf(err) != "two_factor_invalid" {
			t.Fatalf("a code spent: %v", err)
		}
		in, err = f.signInWith(f.acme.ID, strings.ToUpper(recovery[3]))
		if err != nil || in.Token == "" {
			t.Fatalf("a recovery code: %v", err)
		}
		if _, err := f.signInWith(f.acme.ID, recovery[3]); codeOf(err) != "two_factor_invalid" {
			t.Fatalf("a recovery code used twice: %v", err)
		}
		if n, _ := f.s.RecoveryCodesLeft(ctx, mustAccount(t, f)); n != recoveryCodeCount-1 {
			t.Fatalf("%d recovery codes left", n)
		}
		// The password is still checked first.
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "wrong horse", Code: recovery[4], WorkspaceID: f.acme.ID}); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("a wrong password with a right code: %v", err)
		}
	})
}

func mustAccount(t *testing.T, f twoFactorFixture) int64 {
	t.Helper()
	id, err := accountOf(context.Background(), f.s.db.Reader(), f.acme.ID, f.inAcme.ID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Wrong codes count as failed sign-ins: guessing six digits is cut short
// like guessing a password.
func TestTwoFactorGuessesAreLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTwoFactorFixture(t, d, Options{SignInPerEmail: Rate{Count: 3, Per: 15 * time.Minute}, SignInPerAddress: NoLimit})
		key, _ := f.on(t)
		f.clk.Advance(totpPeriod)
		for range 8 {
			if _, err := f.signInWith(f.acme.ID, ""); codeOf(err) != "two_factor_required" {
				t.Fatalf("asking for the code is no failure: %v", err)
			}
		}
		for i := range 3 {
			if _, err := f.signInWith(f.acme.ID, "00000"+string(rune('0'+i))); codeOf(err) != "two_factor_invalid" {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if _, err := f.signInWith(f.acme.ID, f.code(t, key)); apperr.KindOf(err) != apperr.KindTooMany {
			t.Fatalf("after three wrong codes the right one = %v; want 429", err)
		}
	})
}

// Off, and new recovery codes: each needs the password and a code; the
// operator turns it off without either.
func TestTwoFactorOffAndNewRecoveryCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newTwoFactorFixture(t, d, Options{})
		key, old := f.on(t)
		f.clk.Advance(totpPeriod)
		if _, err := f.s.NewRecoveryCodes(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "correct horse", Code: "111111"}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("new codes with a wrong code: %v", err)
		}
		fresh, err := f.s.NewRecoveryCodes(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "correct horse", Code: old[0]})
		if err != nil || len(fresh.Codes) != recoveryCodeCount {
			t.Fatalf("new codes: %+v, %v", fresh, err)
		}
		if _, err := f.signInWith(f.acme.ID, old[1]); codeOf(err) != "two_factor_invalid" {
			t.Fatalf("an old recovery code after new ones: %v", err)
		}
		if err := f.s.DisableTwoFactor(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "wrong horse", Code: f.code(t, key)}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("off with a wrong password: %v", err)
		}
		if err := f.s.DisableTwoFactor(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "correct horse", Code: f.code(t, key)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.signInWith(f.acme.ID, ""); err != nil {
			t.Fatalf("off: a sign-in asks no code: %v", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM account_recovery_codes`); n != 0 {
			t.Fatalf("%d recovery codes kept", n)
		}
		if err := f.s.DisableTwoFactor(ctx, f.acme.ID, f.inAcme.ID, TwoFactorInput{Password: "correct horse", Code: "123456"}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("off when off: %v", err)
		}
		f.on(t)
		had, err := f.s.TurnOffTwoFactor(ctx, " Ana@Acme.io ")
		if err != nil || !had {
			t.Fatalf("the operator: %v, %v", had, err)
		}
		if _, err := f.signInWith(f.acme.ID, ""); err != nil {
			t.Fatalf("after the operator: %v", err)
		}
		if _, err := f.s.TurnOffTwoFactor(ctx, "nobody@acme.io"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("an unknown email: %v", err)
		}
	})
}

// Sign-ins racing with one code (a phished code replayed as it is typed):
// exactly one opens a session.
func TestTwoFactorCodeSpentOnceUnderRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTwoFactorFixture(t, d, Options{})
		key, recovery := f.on(t)
		f.clk.Advance(totpPeriod)
		for _, code := range []string{f.code(t, key), recovery[0]} {
			var wg sync.WaitGroup
			var won atomic.Int32
			for range 8 {
				wg.Go(func() {
					in, err := f.signInWith(f.acme.ID, code)
					if err == nil && in.Token != "" {
						won.Add(1)
					} else if codeOf(err) != "two_factor_invalid" {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if n := won.Load(); n != 1 {
				t.Fatalf("code %s opened %d sessions, want 1", code, n)
			}
		}
	})
}
