package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStartCPUProfile(t *testing.T) {
	stop, err := startCPUProfile("")
	if err != nil {
		t.Fatal(err)
	}
	stop() // profiles nothing, writes nothing

	path := filepath.Join(t.TempDir(), "serve.pprof")
	if stop, err = startCPUProfile(path); err != nil {
		t.Fatal(err)
	}
	stop()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("profile file: %v, %v; want a non-empty profile", fi, err)
	}
	if _, err := startCPUProfile(filepath.Join(t.TempDir(), "missing", "x.pprof")); err == nil {
		t.Error("a profile in a missing folder was accepted")
	}
}
