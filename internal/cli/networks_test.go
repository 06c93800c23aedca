package cli

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// The demo opens 127.0.0.1/32 only when the operator chose nothing;
// whatever the operator gives, by flag or variable, replaces it.
func TestAllowPrivateNetworksFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string
		demo bool
		want string // formatted ranges, or "error"
	}{
		{"nothing", nil, "", false, ""},
		{"demo default", nil, "", true, "127.0.0.1/32"},
		{"flag", []string{"--allow-private-networks", "10.1.2.0/24, fd00::/8"}, "", false, "10.1.2.0/24,fd00::/8"},
		{"flag replaces the demo's", []string{"--allow-private-networks", "10.1.2.0/24"}, "", true, "10.1.2.0/24"},
		{"empty flag allows nothing, even for the demo", []string{"--allow-private-networks="}, "", true, ""},
		{"variable", nil, "192.168.5.0/24", true, "192.168.5.0/24"},
		{"flag wins over variable", []string{"--allow-private-networks", "10.0.0.0/8"}, "192.168.5.0/24", false, "10.0.0.0/8"},
		{"unreadable", []string{"--allow-private-networks", "10.0.0.0/8,intranet"}, "", false, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SWITCHBOARD_ALLOW_PRIVATE_NETWORKS", tt.env)
			fs := newFlagSet("serve", io.Discard)
			var nf networkFlags
			nf.register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			got, err := nf.ranges(fs, tt.demo)
			if tt.want == "error" {
				if err == nil || !strings.Contains(err.Error(), "--allow-private-networks") || !strings.Contains(err.Error(), `"intranet"`) {
					t.Fatalf("ranges = %v, %v; want an error naming the flag and the entry", got, err)
				}
				return
			}
			if err != nil || netguard.FormatAllowList(got) != tt.want {
				t.Fatalf("ranges = %q, %v; want %q", netguard.FormatAllowList(got), err, tt.want)
			}
		})
	}
}

// The demo's channel on 127.0.0.1 is saved because the demo allows that
// address; with nothing allowed, saving it is refused and says why.
func TestDemoChannelAddress(t *testing.T) {
	t.Setenv("SWITCHBOARD_ALLOW_PRIVATE_NETWORKS", "")
	if code, _, stderr := run(t, "demo", "--data", t.TempDir(), "--json", "--allow-private-networks="); code != 1 ||
		!strings.Contains(stderr, "config.base_url") || !strings.Contains(stderr, "--allow-private-networks") {
		t.Fatalf("demo with nothing allowed: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "demo", "--data", t.TempDir(), "--json", "--allow-private-networks", "10.0.0.0/8",
		"--channel-url", "http://10.1.2.3:9090"); code != 0 {
		t.Fatalf("demo with an on-premises integrator allowed: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "demo", "--data", t.TempDir(), "--json"); code != 0 || !strings.Contains(stderr, "127.0.0.1/32") {
		t.Fatalf("demo: code %d, stderr %q", code, stderr)
	}
}

// A demo load refused for what the operator gave (a channel address the
// node may not reach, a short password) writes nothing, so the next load
// makes the whole demo. It left a workspace whose owner existed but whose
// channel, workflow and contacts did not: the next load took that for the
// demo and printed channel 0 with an empty token, for good.
func TestDemoRefusedLeavesNoHalfDemo(t *testing.T) {
	t.Setenv("SWITCHBOARD_ALLOW_PRIVATE_NETWORKS", "")
	dir := t.TempDir()
	for _, bad := range [][]string{
		{"--allow-private-networks="},
		{"--password", "short"},
	} {
		if code, _, stderr := run(t, append([]string{"demo", "--data", dir, "--json"}, bad...)...); code != 1 {
			t.Fatalf("demo %v: code %d, stderr %q; want it refused", bad, code, stderr)
		}
	}
	code, stdout, stderr := run(t, "demo", "--data", dir, "--json")
	var res struct {
		WorkspaceID  int64  `json:"workspace_id"`
		ChannelID    int64  `json:"channel_id"`
		ChannelToken string `json:"channel_token"`
		Created      bool   `json:"created"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil {
		t.Fatalf("demo: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !res.Created || res.WorkspaceID != 1 || res.ChannelID == 0 || res.ChannelToken == "" {
		t.Fatalf("demo after refusals = %+v; want the whole demo made, in workspace 1", res)
	}
}
