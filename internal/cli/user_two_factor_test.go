package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The server's operator turns off the second factor of a person who lost
// their authenticator and recovery codes: they sign in with the password
// alone again.
func TestOperatorTurnsTwoFactorOff(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "user", "create", "--data", dir, "--email", "ada@x.io", "--name", "Ada", "--password", "correct horse"); code != 0 {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	ctx := context.Background()
	withService := func(fn func(s *workspace.Service) error) error {
		d, err := db.Open(ctx, db.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		return fn(workspace.New(d))
	}
	// Ada's account has a second factor (its key stored as tests store it).
	if err := withService(func(s *workspace.Service) error {
		out, err := s.SignIn(ctx, workspace.SignInInput{Email: "ada@x.io", Password: "correct horse", TTL: time.Hour})
		if err != nil {
			return err
		}
		p, err := s.Authenticate(ctx, out.Token)
		if err != nil {
			return err
		}
		_, err = s.BeginTwoFactor(ctx, p.WorkspaceID, p.UserID, workspace.TwoFactorInput{Password: "correct horse"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = totp_pending, totp_pending = ''`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	signIn := func() error {
		return withService(func(s *workspace.Service) error {
			_, err := s.SignIn(ctx, workspace.SignInInput{Email: "ada@x.io", Password: "correct horse", TTL: time.Hour})
			return err
		})
	}
	if err := signIn(); err == nil || !strings.Contains(err.Error(), "authenticator") {
		t.Fatalf("with the second factor on, a sign-in without a code = %v", err)
	}
	if code, _, stderr := run(t, "user", "two-factor-off", "--data", dir, "--email", "nobody@x.io"); code != 1 || !strings.Contains(stderr, "account") {
		t.Fatalf("an unknown email: %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, "user", "two-factor-off", "--data", dir, "--email", "ADA@x.io")
	if code != 0 || !strings.Contains(stdout, `"had_two_factor":true`) {
		t.Fatalf("two-factor-off: %d %q %q", code, stdout, stderr)
	}
	if err := signIn(); err != nil {
		t.Fatalf("after two-factor-off: %v", err)
	}
}
