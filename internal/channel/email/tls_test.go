package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
)

// testCert is a certificate for 127.0.0.1 and the pool that trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) { return smtptest.Cert(t) }

func listen(t *testing.T, implicit *tls.Config) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit != nil {
		ln = tls.NewListener(ln, implicit)
	}
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(p)
	return ln, port
}

// mailServers starts an SMTP server (user bot, password pw) and an IMAP
// server (support@acme.example, imap-pass) on loopback presenting srvTLS's
// certificate, with TLS from the start (TLSImplicit) or STARTTLS, and
// returns their ports.
func mailServers(t *testing.T, srvTLS *tls.Config, mode string) (smtpPort, imapPort int) {
	t.Helper()
	var implicit *tls.Config
	if mode == TLSImplicit {
		implicit = srvTLS
	}
	s := smtptest.New(t, smtptest.Options{User: "bot", Pass: "pw", TLS: srvTLS, Implicit: mode == TLSImplicit})
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("support@acme.example", "imap-pass")
	u.Create("INBOX", nil)
	mem.AddUser(u)
	is := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}}, TLSConfig: srvTLS,
	})
	iln, iport := listen(t, implicit)
	go is.Serve(iln)
	t.Cleanup(func() { is.Close() })
	return s.Port(), iport
}

// Each TLS mode of both servers connects, with the server's certificate
// verified: a certificate the node does not trust fails the test.
func TestTLSModes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cert, pool := testCert(t)
		e := newEnv(t, d)
		for _, mode := range []string{TLSImplicit, TLSStart} {
			sport, iport := mailServers(t, &tls.Config{Certificates: []tls.Certificate{cert}}, mode)
			cfg := map[string]any{"address": mode + "@acme.example", "smtp_host": "127.0.0.1", "smtp_port": sport, "smtp_tls": mode,
				"smtp_username": "bot", "smtp_password": "pw", "imap_host": "127.0.0.1", "imap_port": iport, "imap_tls": mode,
				"imap_username": "support@acme.example", "imap_password": "imap-pass"}
			ch := e.channel(t, cfg)
			e.p.TLSConfig = nil
			if r := e.p.Probe(context.Background(), ch); r.OK || !strings.Contains(r.Error, "certificate") {
				t.Fatalf("%s with an untrusted certificate: %+v", mode, r)
			}
			e.p.TLSConfig = &tls.Config{RootCAs: pool}
			if r := e.p.Probe(context.Background(), ch); !r.OK {
				t.Fatalf("%s: %+v", mode, r)
			}
		}
	})
}

// The listener offers STARTTLS when given a certificate, and stores what
// arrives over it.
func TestListenerStartTLS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cert, pool := testCert(t)
		e := newEnv(t, d)
		ch := e.channel(t, map[string]any{"address": "support@acme.example"})
		l, err := e.p.Listen("127.0.0.1:0", ListenerOptions{TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { l.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		c, err := smtp.DialStartTLS(l.Addr(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail("ada@example.org", []string{"support@acme.example"}, strings.NewReader(string(fixture(t, "gmail_plain.eml")))); err != nil {
			t.Fatal(err)
		}
		c.Quit()
		if n := len(e.messages(t, ch.ID)); n != 1 {
			t.Fatalf("%d messages stored", n)
		}
	})
}
