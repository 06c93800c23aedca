package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The server's operator sets a forgotten password: the only way back in
// for a workspace's sole owner, or for a person whose account another
// workspace made. Every session of the account ends, in every workspace,
// and the old password opens nothing.
func TestOperatorSetsAForgottenPassword(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "user", "create", "--data", dir, "--email", "ada@x.io", "--name", "Ada", "--password", "forgotten one"); code != 0 {
		t.Fatalf("user create: %d %s", code, stderr)
	}
	ctx := context.Background()
	signIn := func(password string) (string, error) {
		d, err := db.Open(ctx, db.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		out, err := workspace.New(d).SignIn(ctx, workspace.SignInInput{Email: "ada@x.io", Password: password, TTL: time.Hour})
		return out.Token, err
	}
	authenticates := func(token string) bool {
		d, err := db.Open(ctx, db.Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		_, err = workspace.New(d).Authenticate(ctx, token)
		return err == nil
	}
	session, err := signIn("forgotten one")
	if err != nil {
		t.Fatal(err)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "nobody@x.io", "--password", "a new password"}, "no account"},
		{[]string{"--email", "ada@x.io", "--password", "short"}, "password"},
		{[]string{"--password", "a new password"}, "--email"},
	} {
		args := append([]string{"user", "password", "--data", dir}, bad.args...)
		if code, _, stderr := run(t, args...); code != 1 || !strings.Contains(stderr, bad.want) {
			t.Errorf("%v: code %d, stderr %q; want refused naming %q", bad.args, code, stderr, bad.want)
		}
	}
	if !authenticates(session) {
		t.Fatal("a refused reset ended the session")
	}

	code, stdout, stderr := run(t, "user", "password", "--data", dir, "--email", "ADA@x.io", "--password", "a new password")
	if code != 0 || !strings.Contains(stdout, `"ended":1`) {
		t.Fatalf("user password: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if authenticates(session) {
		t.Fatal("the session from before the reset still works")
	}
	if _, err := signIn("forgotten one"); !errors.Is(err, workspace.ErrBadCredentials) {
		t.Fatalf("the old password = %v; want refused", err)
	}
	if _, err := signIn("a new password"); err != nil {
		t.Fatalf("the new password: %v", err)
	}
}
