package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: code %d, stderr %q", code, stderr)
	}
	if code, _, _ := run(t); code != 2 {
		t.Errorf("no command: code %d, want 2", code)
	}
	if code, _, stderr := run(t, "migrate", "--data", dir, "--log-level", "loud"); code != 1 || !strings.Contains(stderr, "log-level") {
		t.Errorf("bad log level: code %d, stderr %q", code, stderr)
	}
	// demo --json prints what a script needs, and a second run finds the
	// same workspace and channel.
	var first, second struct {
		WorkspaceID  int64  `json:"workspace_id"`
		APIToken     string `json:"api_token"`
		ChannelID    int64  `json:"channel_id"`
		ChannelToken string `json:"channel_token"`
		Created      bool   `json:"created"`
	}
	for i, dst := range []any{&first, &second} {
		code, stdout, stderr := run(t, "demo", "--data", dir, "--json")
		if code != 0 {
			t.Fatalf("demo run %d: code %d: %s", i, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), dst); err != nil {
			t.Fatalf("demo --json output %q: %v", stdout, err)
		}
	}
	if !first.Created || second.Created || first.WorkspaceID != second.WorkspaceID || first.ChannelToken != second.ChannelToken ||
		!strings.HasPrefix(first.APIToken, "sb_") || first.APIToken == second.APIToken {
		t.Errorf("demo runs: %+v then %+v", first, second)
	}
	code, stdout, stderr := run(t, "user", "create", "--data", dir, "--workspace", "1", "--email", "new@x.io", "--name", "New", "--role", "agent")
	if code != 0 || !strings.Contains(stdout, `"email":"new@x.io"`) {
		t.Errorf("user create: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "user", "create", "--data", dir, "--workspace", "1", "--email", "new@x.io", "--name", "Again"); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("duplicate user: code %d, stderr %q", code, stderr)
	}
}

// "user create --workspace 0" makes the workspace for the user: a user it
// refuses leaves no workspace behind (each refusal left an empty one that
// nobody could sign in to), so the first user accepted is in workspace 1.
func TestUserCreateRefusedLeavesNoWorkspace(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []struct {
		name string
		args []string
		want string
	}{
		{"short password", []string{"--email", "ada@x.io", "--name", "Ada", "--password", "short"}, "password"},
		{"bad email", []string{"--email", "ada", "--name", "Ada"}, "email"},
		{"no name", []string{"--email", "ada@x.io"}, "name"},
		{"bad role", []string{"--email", "ada@x.io", "--name", "Ada", "--role", "admin"}, "role"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			args := append([]string{"user", "create", "--data", dir, "--workspace", "0"}, bad.args...)
			if code, _, stderr := run(t, args...); code != 1 || !strings.Contains(stderr, bad.want) {
				t.Fatalf("%v: code %d, stderr %q; want 1 and an error about %s", bad.args, code, stderr, bad.want)
			}
		})
	}
	code, stdout, stderr := run(t, "user", "create", "--data", dir, "--workspace", "0", "--email", "ada@x.io", "--name", "Ada",
		"--password", "long enough")
	if code != 0 || !strings.Contains(stdout, `"workspace_id":1,`) {
		t.Fatalf("user create: code %d, stdout %q, stderr %q; want the user in workspace 1, the first made", code, stdout, stderr)
	}
}

// A workspace id that names no workspace is refused by name (it was the
// store's "FOREIGN KEY constraint failed").
func TestUserCreateUnknownWorkspace(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, "user", "create", "--data", dir, "--workspace", "99", "--email", "ada@x.io", "--name", "Ada")
	if code != 1 || !strings.Contains(stderr, "--workspace 99: workspace not found") {
		t.Fatalf("user create in workspace 99 of an empty store: code %d, stderr %q", code, stderr)
	}
}

// An argument that is no flag's is refused: the flag package stops at it,
// so every flag after it was silently dropped ("--name Ada Lovelace
// --password …" made an owner named Ada without a password).
func TestStrayArgumentRefused(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"user", "create", "--data", dir, "--email", "ada@x.io", "--name", "Ada", "Lovelace", "--password", "long enough"},
		{"migrate", "--data", dir, "now"},
		{"demo", "--data", dir, "--json", "true", "--password", "short"},
		{"reports", "rebuild", "--data", dir, "all"},
	} {
		code, stdout, stderr := run(t, args...)
		if code != 1 || stdout != "" || !strings.Contains(stderr, "unexpected argument") {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want refused for its stray argument", args, code, stdout, stderr)
		}
	}
	// Nothing was made: the first user made now is the first of workspace 1.
	code, stdout, stderr := run(t, "user", "create", "--data", dir, "--email", "ada@x.io", "--name", "Ada Lovelace", "--password", "long enough")
	if code != 0 || !strings.Contains(stdout, `"id":1,"workspace_id":1,`) {
		t.Fatalf("user create: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
