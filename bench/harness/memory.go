package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// RSS returns the running child's resident set size in bytes, the VmRSS
// line of /proc/<pid>/status (Linux; ok is false elsewhere or once it
// exited). The soak watches it for growth: it is what the machine, and an
// OOM killer, see of the process, heap and all.
func (s *Server) RSS() (bytes int64, ok bool) {
	return rssOf(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
}

func rssOf(statusFile string) (int64, bool) {
	b, err := os.ReadFile(statusFile)
	if err != nil {
		return 0, false
	}
	return parseVmRSS(b)
}

// parseVmRSS reads "VmRSS:   12345 kB" from a /proc status file.
func parseVmRSS(status []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != "VmRSS" {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return n * 1024, true
	}
	return 0, false
}
