package crashtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
)

// postgres is a throwaway PostgreSQL server of the test's own, started as
// scripts/with-postgres.sh starts one. The several-node tests need their
// own: they stop it under load, which the shared server of
// SWITCHBOARD_TEST_POSTGRES must never be.
type postgres struct {
	t    *testing.T
	bin  string // the folder of initdb and pg_ctl
	dir  string // data, log and socket
	port int
	as   *syscall.Credential // run as the postgres user when the test is root
}

// startPostgres initialises and starts a server on a free loopback port,
// removed with the test. It skips the test when PostgreSQL is not
// installed (CI's scripts/with-postgres.sh installs it).
func startPostgres(t *testing.T) *postgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			bins = []string{p}
		}
	}
	if len(bins) == 0 {
		t.Skip("PostgreSQL (initdb, pg_ctl) is not installed")
	}
	sort.Strings(bins)
	pg := &postgres{t: t, bin: filepath.Dir(bins[len(bins)-1])}
	// Not t.TempDir(): its parents are private to this user, and the
	// server runs as postgres when the test is root.
	dir, err := os.MkdirTemp("", "switchboard-pg-")
	if err != nil {
		t.Fatal(err)
	}
	pg.dir = dir
	os.Chmod(dir, 0o755)
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			t.Skip("running as root without a postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		pg.as = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		os.Chown(dir, uid, gid)
	}
	t.Cleanup(func() {
		pg.ctl("-m", "immediate", "stop") // error ignored: it may be stopped already
		pg.keepLog()
		os.RemoveAll(dir)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pg.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if out, err := pg.run("initdb", "-D", pg.data(), "--auth=trust", "-U", "postgres", "-E", "UTF8"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	pg.start()
	return pg
}

// URL is the server's postgres database.
func (pg *postgres) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

func (pg *postgres) data() string { return filepath.Join(pg.dir, "data") }

// start starts the server (again) and returns once it accepts connections.
// fsync is off, as in scripts/with-postgres.sh: the tests exercise
// Switchboard's guarantees, not the disk's.
func (pg *postgres) start() {
	pg.t.Helper()
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c max_connections=300", pg.port, pg.dir)
	if os.Getenv(envPGLog) != "" {
		// pg_stat_statements counts each statement's calls and time, so a
		// load test can name what the store spent its work on
		// (logStoreWork); only then, for its cost on every statement.
		opts += " -c log_lock_waits=on -c shared_preload_libraries=pg_stat_statements"
	}
	if out, err := pg.ctl("-l", filepath.Join(pg.dir, "log"), "-w", "-o", opts, "start"); err != nil {
		pg.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// stop stops the server the way an operator's restart does: "fast"
// rolls back open transactions and closes every connection.
func (pg *postgres) stop() {
	pg.t.Helper()
	if out, err := pg.ctl("-m", "fast", "-w", "stop"); err != nil {
		pg.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (pg *postgres) ctl(args ...string) ([]byte, error) {
	return pg.run("pg_ctl", append([]string{"-D", pg.data()}, args...)...)
}

func (pg *postgres) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(pg.bin, name), args...)
	cmd.Dir = pg.dir
	if pg.as != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: pg.as}
	}
	return cmd.CombinedOutput()
}

// envPGLog, as for scripts/with-postgres.sh, names a file where the
// server's log is kept when the test ends, lock waits over a second and
// deadlocks reported in it: what a load test met, read afterwards.
const envPGLog = "SWITCHBOARD_PG_LOG"

// keepLog appends the server's log to the file envPGLog names, if any.
func (pg *postgres) keepLog() { keepFile(pg.t, envPGLog, filepath.Join(pg.dir, "log")) }

// keepFile appends the file at src to the file the environment variable
// env names, if any, under a line naming the test (a run's tests each
// have their own servers and logs, in folders removed when they end).
func keepFile(t *testing.T, env, src string) {
	path := os.Getenv(env)
	if path == "" {
		return
	}
	log, err := os.ReadFile(src)
	if err != nil {
		t.Logf("%s not kept: %v", src, err)
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Logf("%s not kept: %v", src, err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "==== %s\n", t.Name())
	f.Write(log)
}
