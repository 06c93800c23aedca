package cli

import (
	"io"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/app"
)

// The SMTP listener is off unless an address is given, by flag or variable.
func TestEmailFlags(t *testing.T) {
	parse := func(env map[string]string, args ...string) (app.Config, error) {
		t.Helper()
		for k, v := range env {
			t.Setenv(k, v)
		}
		fs := newFlagSet("serve", io.Discard)
		var e emailFlags
		e.register(fs)
		var cfg app.Config
		if err := fs.Parse(args); err != nil {
			return cfg, err
		}
		return cfg, e.apply(&cfg)
	}
	if cfg, err := parse(nil); err != nil || cfg.SMTPAddr != "" {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
	if cfg, err := parse(map[string]string{"SWITCHBOARD_SMTP_ADDR": ":2525"}, "--smtp-domain", "mx.acme.example"); err != nil ||
		cfg.SMTPAddr != ":2525" || cfg.SMTPDomain != "mx.acme.example" {
		t.Fatalf("variables and flags: %+v, %v", cfg, err)
	}
	if _, err := parse(nil, "--smtp-addr", "25"); err == nil {
		t.Fatal("--smtp-addr 25 accepted")
	}
	if _, err := parse(nil, "--smtp-addr", ":25", "--smtp-tls-cert", "cert.pem"); err == nil {
		t.Fatal("a certificate without its key accepted")
	}
}
