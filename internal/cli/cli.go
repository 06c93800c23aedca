// Package cli is the command line of the switchboard binary: subcommands,
// flags with SWITCHBOARD_* environment defaults, and logging set-up.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Version is set at build time with -ldflags "-X …/internal/cli.Version=…".
var Version = "dev"

const usage = `switchboard — omnichannel customer conversations

Usage:
  switchboard serve   [--addr HOST:PORT] [--data DIR] [--database-url URL] [--demo] [--allow-private-networks CIDRS]
  switchboard migrate [--data DIR] [--database-url URL]
  switchboard demo    [--data DIR] [--database-url URL] [--json] [--allow-private-networks CIDRS]
  switchboard user create --workspace ID --email EMAIL --name NAME [--role owner|manager|agent] [--password PW]
  switchboard user password --email EMAIL --password PW
  switchboard reports rebuild [--data DIR] [--database-url URL]
  switchboard reports compact [--data DIR] [--database-url URL]
  switchboard backup  [--data DIR] --out FILE
  switchboard health  [--addr HOST:PORT] [--ready]
  switchboard version

Every flag also reads an environment variable: --addr SWITCHBOARD_ADDR,
--data SWITCHBOARD_DATA, --database-url SWITCHBOARD_DATABASE_URL,
--log-level SWITCHBOARD_LOG_LEVEL, --log-format SWITCHBOARD_LOG_FORMAT,
--allow-private-networks SWITCHBOARD_ALLOW_PRIVATE_NETWORKS.
`

// signalContext is ended by the first SIGINT or SIGTERM, which starts a
// graceful stop; the signals are then the system's again, so a second
// Ctrl-C ends a shutdown that takes too long, as people expect.
func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-signals:
		case <-ctx.Done():
		}
		// Given back before ctx ends, so that a signal sent once the stop
		// has begun is never swallowed here.
		signal.Stop(signals)
		cancel()
	}()
	return ctx, cancel
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signalContext()
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = migrate(ctx, args[1:], stderr)
	case "demo":
		err = demoCmd(ctx, args[1:], stdout, stderr)
	case "user":
		err = userCmd(ctx, args[1:], stdout, stderr)
	case "reports":
		err = reportsCmd(ctx, args[1:], stdout, stderr)
	case "backup":
		err = backupCmd(ctx, args[1:], stdout, stderr)
	case "health":
		err = healthCmd(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "switchboard:", err)
		return 1
	}
	return 0
}
