package channeltest

import (
	"os"
	"path/filepath"
	"testing"
)

// AddSeedFiles adds every file matching pattern (testdata/*.json, say) to
// a fuzz test's seed corpus: the providers' real payloads, which the
// fuzzer mutates from. It fails when nothing matches, so a renamed
// fixture folder cannot leave a parser's fuzz test without them.
func AddSeedFiles(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files match %s: %v", pattern, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}
