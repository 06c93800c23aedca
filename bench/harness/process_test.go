package harness

import (
	"context"
	"debug/buildinfo"
	"path/filepath"
	"testing"
	"time"
)

// The benchmarks measure the binary as `make build` makes it: compiled with
// cmd/switchboard/default.pgo. A change that drops the profile (a renamed
// file, a -pgo flag) would make every figure a build nobody ships.
func TestBuildCompilesWithTheCommandsProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the switchboard command")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	want, err := Profile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(want) != "default.pgo" || filepath.Base(filepath.Dir(want)) != "switchboard" {
		t.Fatalf("Profile() = %s, want …/cmd/switchboard/default.pgo", want)
	}
	bin, err := Build(ctx, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, s := range info.Settings {
		if s.Key == "-pgo" {
			got = s.Value
		}
	}
	if got != want {
		t.Fatalf("the binary was compiled with -pgo=%q, want %q", got, want)
	}
}
