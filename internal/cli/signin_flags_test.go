package cli

import (
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The sign-in flags reach app.Config; bad values are refused by name.
func TestSignInFlags(t *testing.T) {
	parse := func(args ...string) (app.Config, error) {
		fs := newFlagSet("serve", io.Discard)
		var f signInFlags
		f.register(fs)
		if err := fs.Parse(args); err != nil {
			return app.Config{}, err
		}
		var cfg app.Config
		return cfg, f.apply(&cfg)
	}
	cfg, err := parse()
	if err != nil || cfg.SignInPerEmail != workspace.DefaultSignInPerEmail || cfg.SignInPerAddress != workspace.DefaultSignInPerAddress ||
		cfg.HashConcurrency != 0 || cfg.TrustedProxies != nil {
		t.Fatalf("defaults = %+v, %v", cfg, err)
	}
	cfg, err = parse("--login-limit-per-email", "5/1h", "--login-limit-per-address", "off", "--password-hash-concurrency", "2",
		"--trusted-proxies", "10.0.0.0/8, 192.0.2.1,2001:db8::/32")
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("2001:db8::/32")}
	if err != nil || cfg.SignInPerEmail != (workspace.Rate{Count: 5, Per: time.Hour}) || cfg.SignInPerAddress != workspace.NoLimit ||
		cfg.HashConcurrency != 2 || !slices.Equal(cfg.TrustedProxies, want) {
		t.Fatalf("flags = %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{
		{"--login-limit-per-email", "lots"},
		{"--login-limit-per-address", "10/never"},
		{"--password-hash-concurrency", "-1"},
		{"--trusted-proxies", "the office"},
	} {
		if _, err := parse(bad...); err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v = %v; want an error naming the flag", bad, err)
		}
	}
	// A variable its flag refuses is an error naming the variable; it was
	// silently taken as the default.
	t.Setenv("SWITCHBOARD_PASSWORD_HASH_CONCURRENCY", "several")
	if _, err := parse(); err == nil || !strings.Contains(err.Error(), "SWITCHBOARD_PASSWORD_HASH_CONCURRENCY") {
		t.Errorf("an unreadable variable = %v; want an error naming it", err)
	}
	t.Setenv("SWITCHBOARD_PASSWORD_HASH_CONCURRENCY", "3")
	if cfg, err := parse(); err != nil || cfg.HashConcurrency != 3 {
		t.Errorf("from the variable: %+v, %v", cfg, err)
	}
}
