package cli

import (
	"strings"
	"testing"
)

func TestReportsRebuild(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "demo", "--data", dir, "--json"); code != 0 {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	code, stdout, stderr := run(t, "reports", "rebuild", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "reports rebuilt from") {
		t.Fatalf("rebuild: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// Rebuilt, every day's segments are written: nothing left to compact.
	code, stdout, stderr = run(t, "reports", "compact", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "segments of 0 days written") {
		t.Fatalf("compact: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "reports", "frobnicate"); code != 1 || !strings.Contains(stderr, "usage: switchboard reports rebuild|compact") {
		t.Fatalf("unknown reports command: code %d, stderr %q", code, stderr)
	}
}
