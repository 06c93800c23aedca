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
