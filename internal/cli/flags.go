package cli

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/app"
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
