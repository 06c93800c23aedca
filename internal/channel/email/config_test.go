package email

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

func TestValidateConfig(t *testing.T) {
	guard := netguard.New(netguard.Options{})
	for _, tc := range []struct {
		in, field, want string
	}{
		{in: `{"address":"Support@Acme.example"}`, want: `{"address":"support@acme.example"}`},
		{in: `{"address":"s@acme.example","display_name":" Acme ","imap_host":"imap.acme.example","imap_username":"u","imap_password":"p"}`,
			want: `"imap_port":993,"imap_username":"u","imap_password":"p","imap_tls":"tls","imap_mailbox":"INBOX"`},
		{in: `{"address":"s@acme.example","imap_host":"imap.acme.example","imap_tls":"STARTTLS"}`, want: `"imap_port":143`},
		{in: `{"address":"s@acme.example","smtp_host":"smtp.acme.example"}`, want: `"smtp_port":587,"smtp_tls":"starttls"`},
		{in: `{"address":"s@acme.example","smtp_host":"smtp.acme.example","smtp_tls":"tls"}`, want: `"smtp_port":465`},
		{in: `{"address":"s@acme.example","smtp_host":"8.8.4.4","smtp_tls":"none","smtp_port":2525}`, want: `"smtp_port":2525`},
		{in: `{}`, field: "config.address"},
		{in: `{"address":"not an address"}`, field: "config.address"},
		{in: `{"address":"Ada <a@b.example>"}`, field: "config.address"},
		{in: `{"address":"a@b.example","display_name":"a\nBcc: x@y"}`, field: "config.display_name"},
		{in: `{"address":"a@b.example","imap_username":"u"}`, field: "config.imap_host"},
		{in: `{"address":"a@b.example","smtp_password":"p"}`, want: `{"address":"a@b.example"}`}, // SMTP off: a kept password goes
		{in: `{"address":"a@b.example","smtp_username":"u"}`, field: "config.smtp_host"},
		{in: `{"address":"a@b.example","imap_host":"imap.b.example","imap_tls":"ssl"}`, field: "config.imap_tls"},
		{in: `{"address":"a@b.example","smtp_host":"smtp.b.example","smtp_port":70000}`, field: "config.smtp_port"},
		{in: `{"address":"a@b.example","smtp_host":"smtp://smtp.b.example"}`, field: "config.smtp_host"},
		{in: `{"address":"a@b.example","smtp_host":"smtp.b.example:25"}`, field: "config.smtp_host"},
		{in: `{"address":"a@b.example","smtp_host":"127.0.0.1"}`, field: "config.smtp_host"},
		{in: `{"address":"a@b.example","imap_host":"10.1.2.3"}`, field: "config.imap_host"},
		{in: `{"address":"a@b.example","imap_host":"::1"}`, field: "config.imap_host"},
		{in: `{"address":"a@b.example","base_url":"x"}`, field: "config"},
	} {
		got, err := validateConfig(json.RawMessage(tc.in), guard)
		if tc.field != "" {
			var ae *apperr.Error
			if !errors.As(err, &ae) || !strings.HasPrefix(ae.Field, tc.field) {
				t.Errorf("%s: err = %v, want invalid %s", tc.in, err, tc.field)
			}
			continue
		}
		if err != nil || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s = %s, %v; want it to hold %s", tc.in, got, err, tc.want)
		}
	}
	// The operator's allowed ranges open private servers.
	open := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if _, err := validateConfig(json.RawMessage(`{"address":"a@b.example","imap_host":"10.1.2.3"}`), open); err != nil {
		t.Fatal(err)
	}
}

// Saved through the channel service, passwords are secrets: sealed, not
// in the public configuration, given back to the provider.
func TestConfigSecrets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ch := e.channel(t, map[string]any{"address": "a@b.example", "smtp_host": "smtp.b.example", "smtp_username": "u", "smtp_password": "pw",
			"imap_host": "imap.b.example", "imap_password": "ipw"})
		if strings.Contains(string(ch.Config), "pw") || ch.Secret("smtp_password") != "pw" || ch.Secret("imap_password") != "ipw" {
			t.Fatalf("config %s, secrets %v", ch.Config, ch.SecretConfig)
		}
		cfg, _ := parseConfig(ch)
		if cfg.SMTPPassword != "pw" || cfg.IMAPPassword != "ipw" {
			t.Fatalf("parsed = %+v", cfg)
		}
		// An update that leaves the password out keeps it.
		if _, err := e.chs.Update(context.Background(), e.ws, ch.ID, channel.Input{Config: json.RawMessage(`{"address":"a@b.example","smtp_host":"smtp2.b.example","smtp_username":"u","imap_host":"imap.b.example"}`)}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.chs.Read(context.Background(), ch.ID)
		if got.Secret("smtp_password") != "pw" {
			t.Fatalf("secrets after update = %v", got.SecretConfig)
		}
	})
}

// The connection test logs in to both servers and says so; a wrong
// password is reported, not a success.
func TestProbe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "bot", "right")
		port, _ := newIMAP(t)
		cfg := imapConfig(port, "")
		for k, v := range sinkConfig(s) {
			cfg[k] = v
		}
		cfg["smtp_username"], cfg["smtp_password"] = "bot", "right"
		r := e.p.Probe(ctx, e.channel(t, cfg))
		if !r.OK || !strings.Contains(r.Body, "authenticated as bot") || !strings.Contains(r.Body, "INBOX holds 0 messages") {
			t.Fatalf("probe = %+v", r)
		}
		cfg["imap_password"], cfg["address"] = "wrong", "other@acme.example"
		r = e.p.Probe(ctx, e.channel(t, cfg))
		if r.OK || !strings.Contains(r.Error, "IMAP") {
			t.Fatalf("probe with a wrong IMAP password = %+v", r)
		}
		if r := e.p.Probe(ctx, e.channel(t, map[string]any{"address": "a@b.example"})); r.OK || r.Error == "" {
			t.Fatalf("probe without servers = %+v", r)
		}
	})
}

// Turning IMAP or SMTP off is saving the channel without its host, as the
// settings form sends it: the password kept from before (the form sends
// a secret only when replaced) goes with the host rather than have the
// save refused.
func TestServersTurnedOffTakeTheirPasswords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		ch := e.channel(t, map[string]any{"address": "a@b.example", "smtp_host": "smtp.b.example", "smtp_username": "u", "smtp_password": "pw",
			"imap_host": "imap.b.example", "imap_username": "u", "imap_password": "ipw"})
		if _, err := e.chs.Update(ctx, e.ws, ch.ID, channel.Input{Config: json.RawMessage(`{"address":"a@b.example","smtp_host":"smtp.b.example","smtp_username":"u","imap_tls":"tls","imap_mailbox":"INBOX"}`)}); err != nil {
			t.Fatalf("IMAP off: %v", err)
		}
		got, _ := e.chs.Read(ctx, ch.ID)
		if cfg, _ := parseConfig(got); cfg.IMAPHost != "" || cfg.IMAPPassword != "" || cfg.SMTPPassword != "pw" {
			t.Fatalf("after IMAP off: %+v", cfg)
		}
		if _, err := e.chs.Update(ctx, e.ws, ch.ID, channel.Input{Config: json.RawMessage(`{"address":"a@b.example","smtp_tls":"starttls"}`)}); err != nil {
			t.Fatalf("SMTP off: %v", err)
		}
		got, _ = e.chs.Read(ctx, ch.ID)
		if cfg, _ := parseConfig(got); cfg.SMTPHost != "" || cfg.SMTPPassword != "" || len(got.SecretConfig) != 0 {
			t.Fatalf("after SMTP off: %+v, secrets %v", cfg, got.SecretConfig)
		}
	})
}

// The settings form offers a field's options in a list: each must be a
// value the configuration takes, and stays what was chosen.
func TestSchemaOptionsAreAccepted(t *testing.T) {
	hosts := map[string]string{"imap_tls": "imap_host", "smtp_tls": "smtp_host"}
	offered := 0
	for _, f := range schema.Fields {
		for _, o := range f.Options {
			offered++
			in, _ := json.Marshal(map[string]string{"address": "a@b.example", hosts[f.Name]: "mail.b.example", f.Name: o})
			got, err := validateConfig(in, nil)
			var stored map[string]any
			if err != nil || json.Unmarshal(got, &stored) != nil || stored[f.Name] != o {
				t.Errorf("%s %q offered: %s, %v", f.Name, o, got, err)
			}
		}
	}
	if offered != 6 {
		t.Errorf("%d options offered, want the three TLS modes of IMAP and of SMTP", offered)
	}
}
