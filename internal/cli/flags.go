package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// storeFlags are the flags every command that opens the store shares.
type storeFlags struct {
	data, databaseURL, logLevel, logFormat string
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.data, "data", env("SWITCHBOARD_DATA", "data"), "folder of the embedded SQLite database (SWITCHBOARD_DATA)")
	fs.StringVar(&s.databaseURL, "database-url", env("SWITCHBOARD_DATABASE_URL", ""), "postgres://… to use PostgreSQL instead of SQLite (SWITCHBOARD_DATABASE_URL)")
	fs.StringVar(&s.logLevel, "log-level", env("SWITCHBOARD_LOG_LEVEL", "info"), "debug, info, warn or error (SWITCHBOARD_LOG_LEVEL)")
	fs.StringVar(&s.logFormat, "log-format", env("SWITCHBOARD_LOG_FORMAT", "text"), "text or json (SWITCHBOARD_LOG_FORMAT)")
}

// setupLogging configures the process-wide slog default once, from flags.
func (s *storeFlags) setupLogging(w io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(s.logFormat) {
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(w, opts)))
	case "text":
		slog.SetDefault(slog.New(slog.NewTextHandler(w, opts)))
	default:
		return fmt.Errorf("--log-format must be text or json")
	}
	return nil
}

func (s *storeFlags) config(addr string) app.Config {
	return app.Config{Addr: addr, DataDir: s.data, DatabaseURL: s.databaseURL}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// networkFlags is --allow-private-networks, which serve and demo share.
type networkFlags struct {
	allow string
}

// demoNetworks is what the demo opens when the operator chose nothing:
// the loopback address its channel's integrator listens on by default
// (http://127.0.0.1:9090).
var demoNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

func (n *networkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.allow, "allow-private-networks", env("SWITCHBOARD_ALLOW_PRIVATE_NETWORKS", ""),
		"comma-separated CIDR ranges that calls made on a workspace's behalf may reach although they are private or internal, "+
			"e.g. 10.1.2.0/24 for an on-premises integrator; the demo allows 127.0.0.1/32 unless this is given (SWITCHBOARD_ALLOW_PRIVATE_NETWORKS)")
}

// ranges parses the flag once fs is parsed. For the demo, when the
// operator gave neither the flag nor its variable, it opens demoNetworks.
// Either way, what is open is logged once.
func (n *networkFlags) ranges(fs *flag.FlagSet, demo bool) ([]netip.Prefix, error) {
	ps, err := netguard.ParseAllowList(n.allow)
	if err != nil {
		return nil, fmt.Errorf("--allow-private-networks: %w", err)
	}
	given := n.allow != ""
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "allow-private-networks" })
	switch {
	case demo && !given:
		ps = demoNetworks
		slog.Info("demo: calls made on a workspace's behalf may reach 127.0.0.1/32, where the demo channel's integrator listens; "+
			"--allow-private-networks chooses other ranges", "allow_private_networks", netguard.FormatAllowList(ps))
	case len(ps) > 0:
		slog.Info("calls made on a workspace's behalf may reach these private networks", "allow_private_networks", netguard.FormatAllowList(ps))
	}
	return ps, nil
}
