package harness

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Machine describes where a benchmark ran, for its report.
type Machine struct {
	CPUs   int
	CPU    string
	OS     string
	Go     string
	SQLite string // the modernc.org/sqlite module version
	PGO    string // the profile this benchmark was compiled with (go build -pgo), "" without
	Commit string
	Date   string
	Load   string // one-minute load average when the run started
}

// DescribeMachine describes this machine now.
func DescribeMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), CPU: cpuModel(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(),
		Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), Load: loadAverage()}
	if k, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", Linux " + strings.TrimSpace(string(k))
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "modernc.org/sqlite" {
				m.SQLite = dep.Version
			}
		}
		for _, s := range bi.Settings {
			if s.Key == "-pgo" {
				m.PGO = s.Value
			}
		}
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
		// GIT_OPTIONAL_LOCKS=0 keeps status from rewriting the index: the
		// benchmark only reads the repository. Changes under docs/ are not
		// counted: they change nothing measured, and each benchmark of
		// `make bench` writes its section there before the next starts.
		st := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs")
		st.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
		if out, err := st.Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
			m.Commit += " with uncommitted changes"
		}
	}
	return m
}

// cpuModel is the first "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// MachineBusy returns the CPU time all processes have used since boot,
// from /proc/stat (Linux; ok is false elsewhere). The benchmark subtracts
// its own two processes to show how much other work shared the cores.
func MachineBusy() (busy time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, false
	}
	// user nice system idle iowait irq softirq steal: all but idle and
	// iowait are busy. The unit is USER_HZ, 100 per second on Linux.
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, true
}

// loadAverage is the one-minute load average, or "" off Linux.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// Header is the list of date, commit and machine lines that opens a
// benchmark's section, so every section says alike where and on what its
// figures were measured; note, when not empty, ends the Go line (what the
// store was set to, for instance).
func (m Machine) Header(note string) string {
	if note != "" {
		note = "; " + note
	}
	build := "without a profile"
	if m.PGO != "" {
		build = "profile-guided by " + filepath.Base(filepath.Dir(m.PGO)) + "/" + filepath.Base(m.PGO)
	}
	return fmt.Sprintf("- Date: %s; commit %s\n- Machine: %d × %s, %s; load average %s when the run started\n- Go %s (compiled %s), modernc.org/sqlite %s%s\n",
		m.Date, OrDash(m.Commit), m.CPUs, m.CPU, m.OS, OrDash(m.Load), m.Go, build, OrDash(m.SQLite), note)
}
