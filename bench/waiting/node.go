package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// boot is one start of the node: how long it took to answer ready, the
// CPU it spent until it settled, and its memory once settled.
type boot struct {
	ready     time.Duration // from exec to /readyz answering 200
	settled   time.Duration // from exec to the first second it used < 2% of a core
	cpu       time.Duration // the node's CPU from exec to settled
	read      int64         // bytes the node read from files (rchar of /proc/PID/io) until settled
	mem       memory
	heap      float64 // go_memstats_heap_alloc_bytes, from /metrics after the reading
	routines  float64 // go_goroutines
	scrape    time.Duration
	scrapeErr error
}

// memory is what /proc says the process holds.
type memory struct {
	rss, anon, file int64 // VmRSS, RssAnon, RssFile of /proc/PID/status
	pss             int64 // Pss of /proc/PID/smaps_rollup
}

// startNode starts `switchboard serve` on the store and waits until it
// answers ready, runs during (if any: the work given to the node at once,
// with the time it was started), then waits until the node settles: a
// whole second in which it used less than 2% of a core, so the reading is
// not of a start-up in flight. On an error the node is stopped.
func startNode(ctx context.Context, o harness.Options, metricsAddr string, during func(s *harness.Server, began time.Time) error) (*harness.Server, boot, error) {
	began := time.Now()
	s, err := harness.Start(ctx, o)
	if err != nil {
		return nil, boot{}, err
	}
	b := boot{ready: time.Since(began)}
	if during != nil {
		if err := during(s, began); err != nil {
			s.Kill()
			return nil, b, err
		}
	}
	prev, _ := s.CPUSoFar()
	for i := 0; i < 120; i++ {
		time.Sleep(time.Second)
		cur, ok := s.CPUSoFar()
		if !ok {
			s.Kill()
			return nil, b, fmt.Errorf("waiting: the node exited while settling")
		}
		if cur-prev < 20*time.Millisecond {
			b.cpu = cur
			break
		}
		prev = cur
	}
	b.settled = time.Since(began)
	b.read = readBytes(s.Pid())
	b.mem = readMemory(s.Pid())
	b.heap, b.routines, b.scrape, b.scrapeErr = scrape(metricsAddr)
	return s, b, nil
}

// readMemory reads the process's resident memory from /proc.
func readMemory(pid int) memory {
	var m memory
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		m.rss, m.anon, m.file = kB(b, "VmRSS"), kB(b, "RssAnon"), kB(b, "RssFile")
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
		m.pss = kB(b, "Pss")
	}
	return m
}

// kB returns the bytes of a "Name:   123 kB" line of a /proc file (0: none).
func kB(b []byte, name string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != name {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 2 && f[1] == "kB" {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			return n * 1024
		}
	}
	return 0
}

// scrape reads the Go heap and the goroutines from the node's /metrics
// listener, and how long the scrape took: /metrics counts the runs not
// yet ended, by status, at scrape time.
func scrape(addr string) (heap, routines float64, took time.Duration, err error) {
	began := time.Now()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took = time.Since(began)
	if err != nil {
		return 0, 0, took, err
	}
	for _, line := range strings.Split(string(body), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		switch name {
		case "go_memstats_heap_alloc_bytes":
			heap, _ = strconv.ParseFloat(value, 64)
		case "go_goroutines":
			routines, _ = strconv.ParseFloat(value, 64)
		}
	}
	return heap, routines, took, nil
}

// readBytes is what the process read through read(2) and pread(2) so far
// (rchar of /proc/PID/io): SQLite reads its pages that way, so a start-up
// that walked a table would show it here, whether or not the kernel's
// page cache answered.
func readBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}
