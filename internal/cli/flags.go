package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/workspace"
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

// serverFlags are serve's settings of the HTTP server: its limits and who
// may read /metrics.
type serverFlags struct {
	limits                    httpapi.Limits
	metricsAddr, metricsToken string
	lease                     time.Duration
	fromEnv                   map[string]string // flag name -> environment variable
}

func (s *serverFlags) register(fs *flag.FlagSet) {
	d := httpapi.DefaultLimits()
	s.fromEnv = map[string]string{}
	env := func(flagName, variable string) string {
		s.fromEnv[flagName] = variable
		return " (" + variable + ")"
	}
	fs.DurationVar(&s.limits.BodyTimeout, "body-timeout", d.BodyTimeout,
		"how long a client may take to send a request body; 408 past it, 0 for no bound"+env("body-timeout", "SWITCHBOARD_BODY_TIMEOUT"))
	fs.IntVar(&s.limits.StreamsPerUser, "streams-per-user", d.StreamsPerUser,
		"live event streams one user may keep open on this node; 0 for no cap"+env("streams-per-user", "SWITCHBOARD_STREAMS_PER_USER"))
	fs.IntVar(&s.limits.StreamsPerNode, "streams-per-node", d.StreamsPerNode,
		"live event streams this node keeps open in all; 0 for no cap"+env("streams-per-node", "SWITCHBOARD_STREAMS_PER_NODE"))
	fs.Float64Var(&s.limits.Rate, "api-rate-limit", d.Rate,
		"API requests a second each token may make on this node, on average; 0 for no limit"+env("api-rate-limit", "SWITCHBOARD_API_RATE_LIMIT"))
	fs.IntVar(&s.limits.Burst, "api-rate-burst", d.Burst,
		"API requests each token may make at once"+env("api-rate-burst", "SWITCHBOARD_API_RATE_BURST"))
	fs.StringVar(&s.metricsAddr, "metrics-addr", "",
		"serve /metrics, without authentication, on this address only (keep it private)"+env("metrics-addr", "SWITCHBOARD_METRICS_ADDR"))
	fs.StringVar(&s.metricsToken, "metrics-token", "",
		"bearer token /metrics asks for on --addr; prefer the variable, which ps does not show"+env("metrics-token", "SWITCHBOARD_METRICS_TOKEN"))
	fs.DurationVar(&s.lease, "lease", 0,
		"how long a claim on a workflow run lasts if nothing takes it back sooner (sends get twice as long); 0 for 30s"+
			env("lease", "SWITCHBOARD_LEASE"))
}

// applyEnv sets, before the command line is parsed, every flag whose
// variable is set, so that a flag given wins over its variable.
func (s *serverFlags) applyEnv(fs *flag.FlagSet) error {
	for name, variable := range s.fromEnv {
		if v := env(variable, ""); v != "" {
			if err := fs.Set(name, v); err != nil {
				return fmt.Errorf("%s: %w", variable, err)
			}
		}
	}
	return nil
}

// apply checks the settings and puts them into cfg.
func (s *serverFlags) apply(cfg *app.Config) error {
	l := s.limits
	if l.BodyTimeout < 0 || l.StreamsPerUser < 0 || l.StreamsPerNode < 0 || l.Rate < 0 || l.Burst < 0 {
		return fmt.Errorf("--body-timeout, --streams-per-user, --streams-per-node, --api-rate-limit and --api-rate-burst must not be negative")
	}
	if l.Rate > 0 && l.Burst < 1 {
		return fmt.Errorf("--api-rate-burst must be at least 1 when --api-rate-limit is set")
	}
	if s.lease < 0 {
		return fmt.Errorf("--lease must not be negative")
	}
	cfg.Limits, cfg.MetricsAddr, cfg.MetricsToken, cfg.Lease = l, s.metricsAddr, s.metricsToken, s.lease
	return nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// signInFlags protect sign-in (docs/configuration.md, "Sessions and
// sign-in").
type signInFlags struct {
	perEmail, perAddress, trustedProxies string
	hashConcurrency                      int
}

func (s *signInFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.perEmail, "login-limit-per-email", env("SWITCHBOARD_LOGIN_LIMIT_PER_EMAIL", workspace.DefaultSignInPerEmail.String()),
		"failed sign-ins allowed per email, N/duration or off (SWITCHBOARD_LOGIN_LIMIT_PER_EMAIL)")
	fs.StringVar(&s.perAddress, "login-limit-per-address", env("SWITCHBOARD_LOGIN_LIMIT_PER_ADDRESS", workspace.DefaultSignInPerAddress.String()),
		"failed sign-ins allowed per client address, N/duration or off (SWITCHBOARD_LOGIN_LIMIT_PER_ADDRESS)")
	fs.StringVar(&s.trustedProxies, "trusted-proxies", env("SWITCHBOARD_TRUSTED_PROXIES", ""),
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For names the client (SWITCHBOARD_TRUSTED_PROXIES)")
	hash, _ := strconv.Atoi(env("SWITCHBOARD_PASSWORD_HASH_CONCURRENCY", "0"))
	fs.IntVar(&s.hashConcurrency, "password-hash-concurrency", hash,
		"password checks run at once; 0 is half the CPUs (SWITCHBOARD_PASSWORD_HASH_CONCURRENCY)")
}

// apply sets the sign-in settings of cfg.
func (s *signInFlags) apply(cfg *app.Config) error {
	var err error
	if cfg.SignInPerEmail, err = workspace.ParseRate(s.perEmail); err != nil {
		return fmt.Errorf("--login-limit-per-email: %w", err)
	}
	if cfg.SignInPerAddress, err = workspace.ParseRate(s.perAddress); err != nil {
		return fmt.Errorf("--login-limit-per-address: %w", err)
	}
	if s.hashConcurrency < 0 {
		return fmt.Errorf("--password-hash-concurrency must be 0 (half the CPUs) or more")
	}
	cfg.HashConcurrency = s.hashConcurrency
	for _, c := range strings.Split(s.trustedProxies, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return fmt.Errorf("--trusted-proxies: %q is not a CIDR or an address", c)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p.Masked())
	}
	return nil
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
