package harness

import (
	"os"
	"runtime"
	"testing"
)

func TestParseVmRSS(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"Name:\tswitchboard\nVmPeak:\t  900 kB\nVmRSS:\t   12345 kB\nRssAnon:\t 100 kB\n", 12345 * 1024, true},
		{"Name:\tkthreadd\nState:\tS\n", 0, false}, // kernel threads have no VmRSS
		{"VmRSS:\t12 MB\n", 0, false},
		{"VmRSS:\tlots kB\n", 0, false},
	} {
		got, ok := parseVmRSS([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseVmRSS(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// This process's own status file must parse to a plausible size.
func TestRSSOfSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	n, ok := rssOf("/proc/self/status")
	if !ok || n < 1<<20 {
		t.Errorf("rssOf(/proc/self/status) = %d, %v; want at least 1 MiB", n, ok)
	}
	if _, ok := rssOf(os.DevNull + "/missing"); ok {
		t.Error("a missing status file should not parse")
	}
}
