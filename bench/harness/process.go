// Package harness runs the switchboard command as a child process and drives
// its custom-channel webhook over HTTP. The ingest and end-to-end
// benchmarks (bench/ingest, bench/e2e) and the SIGKILL test
// (internal/crashtest) share it, so they measure and break the binary
// people actually run, not an in-process copy.
package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MainPackage is the import path of the switchboard command.
const MainPackage = "github.com/switchboard-chat/switchboard/cmd/switchboard"

// Build compiles the switchboard command into dir and returns the binary's
// path. It must run inside the module (go resolves MainPackage from the
// working directory). Without race it is the binary `make build` makes,
// profile-guided by the command's default.pgo, so that benchmarks measure
// what is shipped (and the build is shared with make's through the cache).
// race builds with the race detector and without the profile, as `make
// test` builds a test's own packages (the Makefile's RACE: SQLite's
// translated C left uninstrumented), which lets a test built with -race
// reuse them instead of compiling the SQLite driver a second time.
func Build(ctx context.Context, dir string, race bool) (string, error) {
	bin := filepath.Join(dir, "switchboard")
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race", "-gcflags=modernc.org/sqlite/lib=-race=false", "-pgo=off")
	}
	args = append(args, MainPackage)
	out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// Profile is the path of the profile the switchboard command is compiled
// with (cmd/switchboard/default.pgo, which go build uses by itself), for
// other programs a benchmark compares it with: compiled with the same
// profile, they differ from it by their code, not by their compilation.
// Like Build, it must run inside the module.
func Profile(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the switchboard module")
	}
	return filepath.Join(filepath.Dir(mod), "cmd", "switchboard", "default.pgo"), nil
}

// Demo is what `switchboard demo --json` prints.
type Demo struct {
	WorkspaceID  int64  `json:"workspace_id"`
	APIToken     string `json:"api_token"`
	ChannelID    int64  `json:"channel_id"`
	ChannelToken string `json:"channel_token"`
	WebhookPath  string `json:"webhook_path"`
}

// LoadDemo runs `switchboard demo --json` on the store named by storeArgs
// (--data DIR or --database-url URL).
func LoadDemo(ctx context.Context, bin string, storeArgs []string) (Demo, error) {
	args := append([]string{"demo", "--json", "--log-level", "warn"}, storeArgs...)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Demo{}, fmt.Errorf("switchboard demo: %w\n%s", err, stderr.Bytes())
	}
	var d Demo
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		return Demo{}, fmt.Errorf("switchboard demo printed %q: %w", stdout.Bytes(), err)
	}
	if d.ChannelID == 0 || d.ChannelToken == "" || d.WebhookPath == "" || d.APIToken == "" {
		return Demo{}, fmt.Errorf("switchboard demo printed an incomplete result: %s", stdout.Bytes())
	}
	return d, nil
}

// Options configure a served child.
type Options struct {
	Bin       string   // the switchboard binary
	StoreArgs []string // --data DIR or --database-url URL
	LogFile   string   // where the child's stderr goes (appended); "" discards it
	LogLevel  string   // the child's --log-level; "" means warn, so logging costs nothing under load
	Args      []string // more flags of serve
	Env       []string // more environment variables (KEY=value) of the child, after the test's own
	Addr      string   // host:port to listen on; "" picks a free loopback port
	// Command, when set, replaces serve's command line: Bin is another
	// program that serves /readyz, run with these arguments and --addr
	// (bench/ingest's minimal receive pipeline). StoreArgs, LogLevel and
	// Args are then not passed.
	Command []string
}

// Server is a running `switchboard serve` child.
type Server struct {
	URL  string // http://127.0.0.1:port
	cmd  *exec.Cmd
	done chan struct{}
	err  error // the child's exit, valid once done is closed
	log  *os.File
}

// Start runs `switchboard serve` on a free loopback port and returns once
// /readyz answers 200. A port taken between choosing and binding it is
// retried with another.
func Start(ctx context.Context, o Options) (*Server, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var s *Server
		s, err = start(ctx, o)
		if err == nil {
			return s, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, err
}

func start(ctx context.Context, o Options) (*Server, error) {
	addr, err := o.Addr, error(nil)
	if addr == "" {
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	level := o.LogLevel
	if level == "" {
		level = "warn"
	}
	// The demo's channel points at 127.0.0.1:9090; allowing it keeps its
	// sends attempted (and retried) as before the guard, not refused.
	args := append([]string{"serve", "--addr", addr, "--log-level", level, "--allow-private-networks", "127.0.0.1/32"}, o.StoreArgs...)
	args = append(args, o.Args...)
	if o.Command != nil {
		args = append(slices.Clone(o.Command), "--addr", addr)
	}
	cmd := exec.Command(o.Bin, args...)
	if len(o.Env) > 0 {
		cmd.Env = append(os.Environ(), o.Env...)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, done: make(chan struct{})}
	if o.LogFile != "" {
		if s.log, err = os.OpenFile(o.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
			return nil, err
		}
		cmd.Stdout, cmd.Stderr = s.log, s.log
	}
	if err := cmd.Start(); err != nil {
		s.closeLog()
		return nil, fmt.Errorf("start switchboard serve: %w", err)
	}
	go func() {
		s.err = cmd.Wait()
		s.closeLog()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.Kill()
		return nil, fmt.Errorf("%w%s", err, tail(o.LogFile))
	}
	return s, nil
}

func (s *Server) closeLog() {
	if s.log != nil {
		s.log.Close()
	}
}

// freeAddr asks the kernel for a free loopback port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls /readyz until it answers 200, the child exits, or the
// limit passes.
func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("switchboard serve exited before it was ready: %v", s.err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("switchboard serve not ready after %s", limit)
}

// Kill ends the child with SIGKILL, as a crash or the OOM killer would, and
// waits for it to be gone.
func (s *Server) Kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// Stop asks the child to shut down (SIGTERM), giving it limit to finish its
// in-flight requests before it is killed, and returns how it exited.
func (s *Server) Stop(limit time.Duration) error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		return s.err
	case <-time.After(limit):
		s.Kill()
		return errors.New("switchboard serve did not stop on SIGTERM; killed")
	}
}

// CPU returns the user and system CPU time the child used; valid after it exited.
func (s *Server) CPU() (user, system time.Duration) {
	<-s.done
	return s.cmd.ProcessState.UserTime(), s.cmd.ProcessState.SystemTime()
}

// Args is the child's command line after the binary: the subcommand and
// its flags.
func (s *Server) Args() []string { return s.cmd.Args[1:] }

// Pid is the child's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// tail returns the end of a log file, for error messages.
func tail(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "\n--- " + path + " ---\n" + string(b)
}

// CPUSoFar returns the user+system CPU the running child has used, from
// /proc (Linux; ok is false elsewhere or once it exited).
func (s *Server) CPUSoFar() (d time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is the 3rd field of the line, utime and stime the 14th
	// and 15th, in USER_HZ (100 per second on Linux).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, true
}
