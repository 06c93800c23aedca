package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	cases := []struct {
		name   string
		args   []string
		code   int
		output string // in stdout when code is 0, else in stderr
	}{
		{"copy", []string{"--data", dir, "--out", out}, 0, "integrity ok"},
		{"the copy is never overwritten", []string{"--data", dir, "--out", out}, 1, "already exists"},
		{"no file named", []string{"--data", dir}, 1, "usage: switchboard backup"},
		{"PostgreSQL", []string{"--database-url", "postgres://x@127.0.0.1:1/x", "--out", out + "2"}, 1, "pg_dump"},
		{"no store", []string{"--data", t.TempDir(), "--out", out + "3"}, 1, "no SQLite store"},
	}
	// What to keep beside the copy: the key that seals its secrets, where
	// it is (a file in the data folder, or given to the node), and the
	// media.
	if code, stdout, _ := run(t, "backup", "--data", dir, "--out", out+"4"); code != 0 || strings.Contains(stdout, "secret.key") ||
		!strings.Contains(stdout, "--secret-key") || !strings.Contains(stdout, "media") {
		t.Errorf("backup of a store with no key file: %d %q; want it to name the key given to the node, not a file", code, stdout)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.key"), []byte("k"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := run(t, "backup", "--data", dir, "--out", out+"5"); code != 0 || !strings.Contains(stdout, filepath.Join(dir, "secret.key")) {
		t.Errorf("backup of a store with its key file: %d %q; want the file named", code, stdout)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"backup"}, c.args...)...)
			got := stderr
			if c.code == 0 {
				got = stdout
			}
			if code != c.code || !strings.Contains(got, c.output) {
				t.Errorf("backup %v: code %d, stdout %q, stderr %q; want code %d and %q", c.args, code, stdout, stderr, c.code, c.output)
			}
		})
	}
}
