package crashtest

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// nodeEnvFile holds the settings every node of a cluster runs with; the
// compose file gives it to its nodes too (deploy_test.go checks).
const nodeEnvFile = "../../deploy/node.env"

// perDeployment are the settings the test gives each node as flags and
// docker-compose.yml gives as variables in each node's environment: those
// that differ from one deployment to another. deploy_test.go checks that
// the compose file's nodes set exactly these, beside deploy/node.env.
var perDeployment = map[string]string{
	"--addr":                   "SWITCHBOARD_ADDR",
	"--database-url":           "SWITCHBOARD_DATABASE_URL",
	"--secret-key":             "SWITCHBOARD_SECRET_KEY",
	"--log-level":              "SWITCHBOARD_LOG_LEVEL",
	"--allow-private-networks": "SWITCHBOARD_ALLOW_PRIVATE_NETWORKS",
	"--trusted-proxies":        "SWITCHBOARD_TRUSTED_PROXIES",
	"--media-dir":              "SWITCHBOARD_MEDIA_DIR",
	"--metrics-token":          "SWITCHBOARD_METRICS_TOKEN",
}

// checkNodeArgs checks that a node was started as docker-compose.yml
// starts one: `serve`, and as flags only the per-deployment settings,
// which the compose file sets as variables.
func checkNodeArgs(args []string) error {
	if len(args) == 0 || args[0] != "serve" {
		return fmt.Errorf("node started with %q, not serve", args)
	}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "--") {
			if _, ok := perDeployment[a]; !ok {
				return fmt.Errorf("node started with %s, which is neither in deploy/node.env nor a per-deployment setting of docker-compose.yml", a)
			}
		}
	}
	return nil
}

// readEnvFile reads VARIABLE=value lines, skipping blanks and comments.
func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, _, ok := strings.Cut(line, "="); !ok || !strings.HasPrefix(k, "SWITCHBOARD_") {
			return nil, fmt.Errorf("%s: %q is not SWITCHBOARD_NAME=value", path, line)
		}
		env = append(env, line)
	}
	return env, sc.Err()
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// TestMain removes the binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// binary builds the switchboard command once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server: skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "switchboard-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin, buildErr = harness.Build(context.Background(), dir, raceEnabled)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// cluster is several `switchboard serve` processes on one PostgreSQL.
type cluster struct {
	t       *testing.T
	bin     string
	pg      *postgres
	store   []string // --database-url and --secret-key, the same for every node
	demo    harness.Demo
	env     []string // deploy/node.env
	logFile string
	media   string // the media folder the nodes share
	metrics string // the bearer token of every node's /metrics
	nodes   []*harness.Server
	integ   *integrator
}

// envNodesLog names a file where the nodes' logs (warnings and errors,
// slow write transactions among them) are kept when a cluster's test
// ends, beside the server's (envPGLog): a lock wait there is named here.
const envNodesLog = "SWITCHBOARD_NODES_LOG"

// newCluster starts a PostgreSQL server of the test's own, loads the demo
// workspace (its channel sending to an integrator the test runs) and
// starts n nodes.
func newCluster(t *testing.T, n int) *cluster {
	t.Helper()
	c := &cluster{t: t, bin: binary(t), pg: startPostgres(t), logFile: filepath.Join(t.TempDir(), "nodes.log"), media: t.TempDir(),
		metrics: rand.Text()}
	t.Cleanup(func() { keepFile(t, envNodesLog, c.logFile) }) // after the nodes are killed
	env, err := readEnvFile(nodeEnvFile)
	if err != nil {
		t.Fatal(err)
	}
	c.env = env
	c.integ = startIntegrator(t)
	c.store = harness.StoreArgs("", c.pg.URL())
	args := append(append([]string{}, c.store...), "--channel-url", c.integ.URL, "--allow-private-networks", "127.0.0.1/32")
	if c.demo, err = harness.LoadDemo(t.Context(), c.bin, args); err != nil {
		t.Fatal(err)
	}
	c.nodes = make([]*harness.Server, n)
	for i := range n {
		c.start(i)
	}
	return c
}

// start starts node i on a free port.
func (c *cluster) start(i int) *harness.Server { return c.startAt(i, "") }

// restart starts node i again on the port it had, where the load's
// senders post.
func (c *cluster) restart(i int) *harness.Server {
	return c.startAt(i, strings.TrimPrefix(c.nodes[i].URL, "http://"))
}

func (c *cluster) startAt(i int, addr string) *harness.Server {
	c.t.Helper()
	srv, err := harness.Start(c.t.Context(), harness.Options{
		Bin: c.bin, StoreArgs: c.store, LogFile: c.logFile, Env: c.env, Addr: addr,
		// harness.Start also gives --addr, --log-level and
		// --allow-private-networks 127.0.0.1/32 (the integrator's address).
		Args: []string{"--trusted-proxies", "127.0.0.1/32", "--media-dir", c.media, "--metrics-token", c.metrics},
	})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(srv.Kill) // before the PostgreSQL server stops
	if err := checkNodeArgs(srv.Args()); err != nil {
		c.t.Fatal(err)
	}
	c.nodes[i] = srv
	return srv
}

// openStore opens the cluster's database for the checks.
func (c *cluster) openStore() *sql.DB {
	c.t.Helper()
	st, err := harness.OpenStore("", c.pg.URL())
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { st.Close() })
	return st
}

// generateAcross sends load as generate does, worker g posting to node
// g mod len(urls), so every node receives and their writes interleave.
func generateAcross(ctx context.Context, whs []*harness.Webhook, l *ledger, round, workers, limit int) {
	var wg sync.WaitGroup
	for i, wh := range whs {
		share := workers / len(whs)
		if i < workers%len(whs) {
			share++
		}
		wg.Go(func() { generate(ctx, wh, l, round*10+i, share, limit) })
	}
	wg.Wait()
}

// webhooks returns a webhook client per running node.
func (c *cluster) webhooks(conns int) []*harness.Webhook {
	var whs []*harness.Webhook
	for _, n := range c.nodes {
		whs = append(whs, harness.NewWebhook(n.URL, c.demo, conns))
	}
	return whs
}
