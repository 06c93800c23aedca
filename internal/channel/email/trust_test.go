package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
)

// A company's own mail server, whose certificate no public authority
// signed, is reached once its certificate (or its authority's) is given
// as the channel's trusted certificate, over IMAP and SMTP, with either
// TLS mode; without it, or with another, the connection is refused. A
// certificate given is trusted as the server's whatever name it carries
// (self-signed ones often name the machine); one signed by a trusted
// authority must still name the host dialled.
func TestTrustedCertificate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		local := []net.IP{net.ParseIP("127.0.0.1")}
		selfSigned := smtptest.Issue(t, "mail.corp.internal", nil, nil, false) // names the machine, not 127.0.0.1
		stranger := smtptest.Issue(t, "mail.corp.internal", nil, nil, false)
		authority := smtptest.Issue(t, "Corp Root CA", nil, nil, true)
		signed := smtptest.Issue(t, "mail.corp.internal", local, &authority, false)
		misnamed := smtptest.Issue(t, "other.corp.internal", nil, &authority, false)
		e := newEnv(t, d)
		e.p.TLSConfig = nil // the system's roots, as a node has
		for i, c := range []struct {
			name    string
			server  smtptest.Issued
			trusted string
			ok      bool
		}{
			{"self-signed, not given", selfSigned, "", false},
			{"self-signed, given", selfSigned, selfSigned.PEM, true},
			{"self-signed, another given", selfSigned, stranger.PEM, false},
			{"self-signed, given among others", selfSigned, stranger.PEM + "\n" + selfSigned.PEM, true},
			{"signed by the authority given", signed, authority.PEM, true},
			{"signed by the authority, for another host", misnamed, authority.PEM, false},
		} {
			for _, mode := range []string{TLSImplicit, TLSStart} {
				sport, iport := mailServers(t, &tls.Config{Certificates: []tls.Certificate{c.server.TLS}}, mode)
				cfg := map[string]any{"address": fmt.Sprintf("case%d-%s@acme.example", i, mode), "smtp_host": "127.0.0.1", "smtp_port": sport, "smtp_tls": mode,
					"smtp_username": "bot", "smtp_password": "pw", "imap_host": "127.0.0.1", "imap_port": iport, "imap_tls": mode,
					"imap_username": "support@acme.example", "imap_password": "imap-pass"}
				if c.trusted != "" {
					cfg["tls_certificate"] = c.trusted
				}
				ch := e.channel(t, cfg)
				r := e.p.Probe(context.Background(), ch)
				if r.OK != c.ok || !c.ok && strings.Count(r.Error, "certificate") < 2 { // both servers refused for it
					t.Errorf("%s (%s): %+v, want ok %v", c.name, mode, r, c.ok)
				}
			}
		}
	})
}

// A trusted certificate is checked when the channel is saved: PEM
// certificates only, so a private key pasted by mistake is refused rather
// than stored.
func TestTrustedCertificateValidated(t *testing.T) {
	self := smtptest.Issue(t, "mail.corp.internal", nil, nil, false)
	der, err := x509.MarshalECPrivateKey(self.Key)
	if err != nil {
		t.Fatal(err)
	}
	key := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	for _, c := range []struct {
		name, pem, refusal string
	}{
		{"a certificate", "\n" + self.PEM + "\n", ""},
		{"a private key", key, "never a ec private key"},
		{"a certificate and its key", self.PEM + key, "never a ec private key"},
		{"not PEM", "MIIB…", "in PEM"},
		{"text after the certificate", self.PEM + "trailing words", "in PEM"},
		{"a broken certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "cannot be read"},
		{"too long", strings.Repeat(self.PEM, 60), "too long"},
	} {
		in, _ := json.Marshal(map[string]string{"address": "a@b.example", "tls_certificate": c.pem})
		got, err := validateConfig(in, nil)
		if c.refusal == "" {
			var cfg Config
			if err != nil || json.Unmarshal(got, &cfg) != nil || cfg.TLSCertificate != strings.TrimSpace(self.PEM) {
				t.Errorf("%s: %s, %v; want it stored, trimmed", c.name, got, err)
			}
			continue
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Field != "config.tls_certificate" || !strings.Contains(ae.Message, c.refusal) {
			t.Errorf("%s: %v, want config.tls_certificate refused (%q)", c.name, err, c.refusal)
		}
	}
}
