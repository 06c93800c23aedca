package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// storeFlags are the flags every command that opens the store shares.
type storeFlags struct {
	data, databaseURL, logLevel, logFormat string
	secretKey                              string
	fs                                     *flagSet // where they were registered
}

// flagSet is a command's flags. A flag registered with env may also be
// set by its environment variable, SWITCHBOARD_ and its name in capitals
// (--log-level: SWITCHBOARD_LOG_LEVEL); a flag given on the command line
// wins over its variable.
type flagSet struct {
	*flag.FlagSet
	vars map[string]string // flag name -> its variable
}

func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flagSet{FlagSet: fs, vars: map[string]string{}}
}

// env gives the flag name its variable and returns what its usage ends
// with, which names the variable.
func (f *flagSet) env(name string) string {
	v := "SWITCHBOARD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	f.vars[name] = v
	return " (" + v + ")"
}

// Parse sets every flag whose variable is set (and not empty) from it,
// then parses the command line, so a flag given there wins. A variable
// with a value its flag refuses is an error naming the variable. No
// command takes arguments besides its flags, and the flag package stops
// at the first one that is not a flag, ignoring every flag after it
// ("--name Ada Lovelace --password …"), so one is an error.
func (f *flagSet) Parse(args []string) error {
	for name, variable := range f.vars {
		if v := os.Getenv(variable); v != "" {
			if err := f.Set(name, v); err != nil {
				return fmt.Errorf("%s: %w", variable, err)
			}
		}
	}
	if err := f.FlagSet.Parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q: every flag after it would be ignored (quote a value holding spaces)", f.Name(), f.Arg(0))
	}
	return nil
}

// given reports whether the flag was set, on the command line or by its
// variable.
func (f *flagSet) given(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

func (s *storeFlags) register(fs *flagSet) {
	s.fs = fs
	fs.StringVar(&s.data, "data", "data", "folder of the embedded SQLite database"+fs.env("data"))
	fs.StringVar(&s.databaseURL, "database-url", "", "postgres://… to use PostgreSQL instead of SQLite"+fs.env("database-url"))
	fs.StringVar(&s.logLevel, "log-level", "info", "debug, info, warn or error"+fs.env("log-level"))
	fs.StringVar(&s.logFormat, "log-format", "text", "text or json"+fs.env("log-format"))
	fs.StringVar(&s.secretKey, "secret-key", "", "base64 of 32 random bytes sealing channel secrets; required with PostgreSQL, "+
		"on SQLite a key file in --data is made if unset"+fs.env("secret-key"))
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

// openStore sets up logging and opens (migrating) the store the flags
// name: what every command but serve does first. The caller closes it.
func (s *storeFlags) openStore(ctx context.Context, stderr io.Writer) (*db.DB, error) {
	if err := s.setupLogging(stderr); err != nil {
		return nil, err
	}
	return db.Open(ctx, db.Config{URL: s.databaseURL, DataDir: s.data})
}

func (s *storeFlags) config(addr string) app.Config {
	dataDir := s.data
	// On PostgreSQL the data folder holds only media: without --data (nor
	// its variable) a node keeps none, as docs/configuration.md says,
	// rather than in the default ./data of whatever folder it started in,
	// which the other nodes do not share.
	if s.databaseURL != "" && !s.fs.given("data") {
		dataDir = ""
	}
	return app.Config{Addr: addr, DataDir: dataDir, DatabaseURL: s.databaseURL, SecretKey: s.secretKey}
}

// serverFlags are serve's settings of the HTTP server: its limits and who
// may read /metrics.
type serverFlags struct {
	limits                    httpapi.Limits
	metricsAddr, metricsToken string
	lease                     time.Duration
	// sendRetryDelay and sendRetryMaxDelay are the outbound retry
	// backoff (internal/outbound): the first retry's delay, and the cap
	// of the delays doubling after each failed attempt.
	sendRetryDelay, sendRetryMaxDelay time.Duration
	webhooksPerWorkspace              int
}

func (s *serverFlags) register(fs *flagSet) {
	d := httpapi.DefaultLimits()
	fs.DurationVar(&s.limits.BodyTimeout, "body-timeout", d.BodyTimeout,
		"how long a client may take to send a request body; 408 past it, 0 for no bound"+fs.env("body-timeout"))
	fs.IntVar(&s.limits.StreamsPerUser, "streams-per-user", d.StreamsPerUser,
		"live event streams one user may keep open on this node; 0 for no cap"+fs.env("streams-per-user"))
	fs.IntVar(&s.limits.StreamsPerNode, "streams-per-node", d.StreamsPerNode,
		"live event streams this node keeps open in all; 0 for no cap"+fs.env("streams-per-node"))
	fs.Float64Var(&s.limits.Rate, "api-rate-limit", d.Rate,
		"API requests a second each token may make on this node, on average; 0 for no limit"+fs.env("api-rate-limit"))
	fs.IntVar(&s.limits.Burst, "api-rate-burst", d.Burst,
		"API requests each token may make at once"+fs.env("api-rate-burst"))
	fs.StringVar(&s.metricsAddr, "metrics-addr", "",
		"serve /metrics, without authentication, on this address only (keep it private)"+fs.env("metrics-addr"))
	fs.StringVar(&s.metricsToken, "metrics-token", "",
		"bearer token /metrics asks for on --addr; prefer the variable, which ps does not show"+fs.env("metrics-token"))
	fs.DurationVar(&s.lease, "lease", 0,
		"how long a claim on a workflow run lasts if nothing takes it back sooner (sends get twice as long); 0 for 30s"+
			fs.env("lease"))
	fs.DurationVar(&s.sendRetryDelay, "send-retry-delay", outbound.DefaultBaseDelay,
		"delay before the first retry of a failed outbound send, doubled after each further failure"+fs.env("send-retry-delay"))
	fs.DurationVar(&s.sendRetryMaxDelay, "send-retry-max-delay", outbound.DefaultMaxDelay,
		"longest delay between two attempts of an outbound send"+fs.env("send-retry-max-delay"))
	fs.IntVar(&s.webhooksPerWorkspace, "webhooks-per-workspace", 0,
		"channel webhooks of one workspace this node stores at once while another workspace sends too; more are answered 429 with Retry-After; 0 for no cap"+
			fs.env("webhooks-per-workspace"))
}

// apply checks the settings and puts them into cfg.
func (s *serverFlags) apply(cfg *app.Config) error {
	l := s.limits
	if s.webhooksPerWorkspace < 0 {
		return fmt.Errorf("--webhooks-per-workspace must be 0 (no cap) or more")
	}
	if l.BodyTimeout < 0 || l.StreamsPerUser < 0 || l.StreamsPerNode < 0 || l.Rate < 0 || l.Burst < 0 {
		return fmt.Errorf("--body-timeout, --streams-per-user, --streams-per-node, --api-rate-limit and --api-rate-burst must not be negative")
	}
	if l.Rate > 0 && l.Burst < 1 {
		return fmt.Errorf("--api-rate-burst must be at least 1 when --api-rate-limit is set")
	}
	if s.lease < 0 {
		return fmt.Errorf("--lease must not be negative")
	}
	if err := outbound.CheckBackoff(s.sendRetryDelay, s.sendRetryMaxDelay); err != nil {
		return err
	}
	cfg.Limits, cfg.MetricsAddr, cfg.MetricsToken, cfg.Lease = l, s.metricsAddr, s.metricsToken, s.lease
	cfg.SendRetryDelay, cfg.SendRetryMaxDelay = s.sendRetryDelay, s.sendRetryMaxDelay
	cfg.WebhooksPerWorkspace = s.webhooksPerWorkspace
	return nil
}

// signInFlags protect sign-in (docs/configuration.md, "Sessions and
// sign-in").
type signInFlags struct {
	perEmail, perAddress, trustedProxies string
	hashConcurrency                      int
}

func (s *signInFlags) register(fs *flagSet) {
	fs.StringVar(&s.perEmail, "login-limit-per-email", workspace.DefaultSignInPerEmail.String(),
		"failed sign-ins allowed per email, N/duration or off"+fs.env("login-limit-per-email"))
	fs.StringVar(&s.perAddress, "login-limit-per-address", workspace.DefaultSignInPerAddress.String(),
		"failed sign-ins allowed per client address, N/duration or off"+fs.env("login-limit-per-address"))
	fs.StringVar(&s.trustedProxies, "trusted-proxies", "",
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For names the client"+fs.env("trusted-proxies"))
	fs.IntVar(&s.hashConcurrency, "password-hash-concurrency", 0,
		"password checks run at once; 0 is half the CPUs"+fs.env("password-hash-concurrency"))
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

func (n *networkFlags) register(fs *flagSet) {
	fs.StringVar(&n.allow, "allow-private-networks", "",
		"comma-separated CIDR ranges that calls made on a workspace's behalf may reach although they are private or internal, "+
			"e.g. 10.1.2.0/24 for an on-premises integrator; the demo allows 127.0.0.1/32 unless this is given"+fs.env("allow-private-networks"))
}

// ranges parses the flag once fs is parsed. For the demo, when the
// operator gave neither the flag nor its variable, it opens demoNetworks.
// Either way, what is open is logged once.
func (n *networkFlags) ranges(fs *flagSet, demo bool) ([]netip.Prefix, error) {
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
