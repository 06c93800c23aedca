package cli

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// serve's limits default to httpapi.DefaultLimits, read their variables,
// and a flag given wins over its variable; nonsense is refused.
func TestServerFlags(t *testing.T) {
	parse := func(env map[string]string, args ...string) (app.Config, error) {
		t.Helper()
		for k, v := range env {
			t.Setenv(k, v)
		}
		fs := newFlagSet("serve", io.Discard)
		var s serverFlags
		s.register(fs)
		var cfg app.Config
		if err := fs.Parse(args); err != nil {
			return cfg, err
		}
		return cfg, s.apply(&cfg)
	}
	cfg, err := parse(nil)
	if err != nil || cfg.Limits != httpapi.DefaultLimits() || cfg.MetricsAddr != "" || cfg.MetricsToken != "" {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
	cfg, err = parse(map[string]string{"SWITCHBOARD_API_RATE_LIMIT": "5", "SWITCHBOARD_BODY_TIMEOUT": "2s",
		"SWITCHBOARD_METRICS_TOKEN": "from-env", "SWITCHBOARD_STREAMS_PER_USER": "3"},
		"--api-rate-limit", "0", "--metrics-addr", "127.0.0.1:9100", "--streams-per-node", "7")
	want := httpapi.DefaultLimits()
	want.Rate, want.BodyTimeout, want.StreamsPerUser, want.StreamsPerNode = 0, 2*time.Second, 3, 7
	if err != nil || cfg.Limits != want || cfg.MetricsAddr != "127.0.0.1:9100" || cfg.MetricsToken != "from-env" {
		t.Fatalf("variables and flags: %+v, %v; want limits %+v", cfg, err, want)
	}
	if cfg, err := parse(map[string]string{"SWITCHBOARD_WEBHOOKS_PER_WORKSPACE": "8"}); err != nil || cfg.WebhooksPerWorkspace != 8 {
		t.Fatalf("webhooks per workspace from its variable: %d, %v", cfg.WebhooksPerWorkspace, err)
	}
	t.Setenv("SWITCHBOARD_WEBHOOKS_PER_WORKSPACE", "")
	// The outbound retry backoff: outbound's defaults, or what is set.
	if cfg.SendRetryDelay != outbound.DefaultBaseDelay || cfg.SendRetryMaxDelay != outbound.DefaultMaxDelay {
		t.Fatalf("send retry defaults: %s, %s", cfg.SendRetryDelay, cfg.SendRetryMaxDelay)
	}
	cfg, err = parse(map[string]string{"SWITCHBOARD_SEND_RETRY_DELAY": "50ms", "SWITCHBOARD_SEND_RETRY_MAX_DELAY": "1h"},
		"--send-retry-max-delay", "400ms")
	if err != nil || cfg.SendRetryDelay != 50*time.Millisecond || cfg.SendRetryMaxDelay != 400*time.Millisecond || cfg.WebhooksPerWorkspace != 0 {
		t.Fatalf("send retry set: %s, %s, %v", cfg.SendRetryDelay, cfg.SendRetryMaxDelay, err)
	}
	for _, bad := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--api-rate-limit", "-1"}, "negative"},
		{nil, []string{"--body-timeout", "-1s"}, "negative"},
		{nil, []string{"--api-rate-burst", "0"}, "--api-rate-burst"},
		{nil, []string{"--send-retry-delay", "1ms"}, "--send-retry-delay 1ms is too short"},
		{nil, []string{"--send-retry-delay", "-1s"}, "must not be negative"},
		{nil, []string{"--send-retry-delay", "2s", "--send-retry-max-delay", "1s"}, "--send-retry-max-delay 1s is shorter"},
		{nil, []string{"--send-retry-max-delay", "48h"}, "at most 24h"},
		{nil, []string{"--webhooks-per-workspace", "-1"}, "--webhooks-per-workspace must be 0"},
		{map[string]string{"SWITCHBOARD_SEND_RETRY_DELAY": "soon"}, nil, "SWITCHBOARD_SEND_RETRY_DELAY"},
		// A variable set stays set for the cases after it; empty, it is unset.
		{map[string]string{"SWITCHBOARD_SEND_RETRY_DELAY": "", "SWITCHBOARD_STREAMS_PER_USER": "many"}, nil, "SWITCHBOARD_STREAMS_PER_USER"},
	} {
		if _, err := parse(bad.env, bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v %v: %v, want an error about %s", bad.env, bad.args, err, bad.want)
		}
	}
}

// The key sealing channel secrets comes from --secret-key or its
// variable, the flag winning, and reaches the node's configuration.
func TestSecretKeyFlag(t *testing.T) {
	parse := func(args ...string) app.Config {
		t.Helper()
		fs := newFlagSet("serve", io.Discard)
		var s storeFlags
		s.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return s.config("")
	}
	if cfg := parse(); cfg.SecretKey != "" {
		t.Fatalf("default = %q, want none (the SQLite key file)", cfg.SecretKey)
	}
	t.Setenv("SWITCHBOARD_SECRET_KEY", "from-env")
	if cfg := parse(); cfg.SecretKey != "from-env" {
		t.Fatalf("from the variable = %q", cfg.SecretKey)
	}
	if cfg := parse("--secret-key", "from-flag"); cfg.SecretKey != "from-flag" {
		t.Fatalf("flag over variable = %q", cfg.SecretKey)
	}
}

// The media settings reach the node's configuration; nonsense is refused.
func TestMediaFlags(t *testing.T) {
	parse := func(env map[string]string, args ...string) (app.Config, error) {
		t.Helper()
		for k, v := range env {
			t.Setenv(k, v)
		}
		fs := newFlagSet("serve", io.Discard)
		var m mediaFlags
		m.register(fs)
		var cfg app.Config
		if err := fs.Parse(args); err != nil {
			return cfg, err
		}
		return cfg, m.apply(&cfg)
	}
	cfg, err := parse(nil)
	if err != nil || cfg.MediaDir != "" || cfg.MediaMaxBytes != 25<<20 || cfg.PublicURL != "" {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
	cfg, err = parse(map[string]string{"SWITCHBOARD_MEDIA_DIR": "/srv/media", "SWITCHBOARD_PUBLIC_URL": "https://sb.example/"},
		"--media-max-bytes", "1000")
	if err != nil || cfg.MediaDir != "/srv/media" || cfg.MediaMaxBytes != 1000 || cfg.PublicURL != "https://sb.example" {
		t.Fatalf("variables and flags: %+v, %v", cfg, err)
	}
	cfg, err = parse(map[string]string{"SWITCHBOARD_MEDIA_S3_SECRET_KEY": "s3cret", "SWITCHBOARD_MEDIA_S3_PATH_STYLE": "true"},
		"--media-s3-endpoint", "http://minio:9000", "--media-s3-bucket", "sb", "--media-s3-access-key", "AK")
	if err != nil || cfg.MediaS3 == nil || cfg.MediaS3.SecretKey != "s3cret" || !cfg.MediaS3.PathStyle || cfg.MediaS3.Region != "us-east-1" {
		t.Fatalf("S3: %+v, %v", cfg.MediaS3, err)
	}
	for _, bad := range [][]string{
		{"--media-s3-endpoint", "http://minio:9000"},
		{"--media-max-bytes", "0"},
		{"--public-url", "sb.example"},
		{"--public-url", "ftp://sb.example"},
		{"--public-url", "https://sb.example/?x=1"},
	} {
		if _, err := parse(nil, bad...); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// On PostgreSQL the data folder only holds media, and a node given
// neither --data nor --media-dir keeps none (docs/configuration.md,
// "Media"): it kept them in ./data of whatever folder it started in,
// which no other node shares, and could not start where that folder
// cannot be made. Given by flag or variable, --data is used.
func TestPostgresDataFolderOnlyWhenGiven(t *testing.T) {
	const pg = "postgres://sb@db:5432/sb"
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"SQLite: the default folder", nil, nil, "data"},
		{"PostgreSQL: none", nil, []string{"--database-url", pg}, ""},
		{"PostgreSQL from its variable: none", map[string]string{"SWITCHBOARD_DATABASE_URL": pg}, nil, ""},
		{"PostgreSQL with --data", nil, []string{"--database-url", pg, "--data", "/srv/sb"}, "/srv/sb"},
		{"PostgreSQL with SWITCHBOARD_DATA", map[string]string{"SWITCHBOARD_DATA": "/data"}, []string{"--database-url", pg}, "/data"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SWITCHBOARD_DATABASE_URL", "")
			t.Setenv("SWITCHBOARD_DATA", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			fs := newFlagSet("serve", io.Discard)
			var s storeFlags
			s.register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if cfg := s.config(""); cfg.DataDir != tt.want {
				t.Fatalf("DataDir = %q, want %q", cfg.DataDir, tt.want)
			}
		})
	}
}
