// Package sysmail is the node's own mail: password-reset links and
// invitations sent to people, through the operator's SMTP server
// (--mail-smtp-url, --mail-from). It is off unless configured; a nil
// *Mailer is a node without one.
//
// It does not dial through the node's guard: the guard keeps a
// workspace's settings from reaching the node's private network, while
// this server is the operator's own choice and is often internal.
package sysmail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/smtpclient"
)

// SendTimeout bounds one message's delivery to the server.
const SendTimeout = 30 * time.Second

// Config is how the node sends its mail.
type Config struct {
	// URL is the server: smtp://user:pass@host:587 (STARTTLS when the
	// server offers it; port 587 unless given) or smtps://user:pass@host
	// (TLS from the first byte; port 465 unless given). The user and
	// password are optional and URL-escaped (%40 for an @).
	URL string
	// From is who the mail comes from: "Switchboard <no-reply@example.com>"
	// or a bare address.
	From string
	// TLSConfig, when set, is the base of the TLS connection (tests trust
	// their own certificate); nil: the system's roots.
	TLSConfig *tls.Config
	// Clock dates the messages (nil: the system clock).
	Clock clock.Clock
}

// Mailer sends plain-text mail through one server.
type Mailer struct {
	server smtpclient.Server
	from   mail.Address
	clock  clock.Clock
}

// New checks c and returns its mailer; an empty URL is no mailer (nil,
// and no error).
func New(c Config) (*Mailer, error) {
	if strings.TrimSpace(c.URL) == "" {
		return nil, nil
	}
	server, err := parseURL(c.URL)
	if err != nil {
		return nil, err
	}
	from, err := mail.ParseAddress(strings.TrimSpace(c.From))
	if c.From == "" || err != nil || strings.ContainsAny(c.From, "\r\n") {
		return nil, fmt.Errorf(`sysmail: the sender must be an address such as "Switchboard <no-reply@example.com>"`)
	}
	server.Hello = domain(from.Address)
	server.TLSConfig = c.TLSConfig
	return &Mailer{server: server, from: *from, clock: clock.OrReal(c.Clock)}, nil
}

// parseURL reads the server's URL.
func parseURL(raw string) (smtpclient.Server, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	bad := func(why string) (smtpclient.Server, error) {
		// The URL holds a password: it is never repeated in the error.
		return smtpclient.Server{}, fmt.Errorf("sysmail: the SMTP URL %s; want smtp://user:password@host:587 or smtps://user:password@host:465", why)
	}
	if err != nil {
		return bad("cannot be read")
	}
	var s smtpclient.Server
	switch u.Scheme {
	case "smtp":
		s.TLS, s.Port = smtpclient.TLSOpportunistic, 587
	case "smtps":
		s.TLS, s.Port = smtpclient.TLSImplicit, 465
	default:
		return bad("must start with smtp:// or smtps://")
	}
	if s.Host = u.Hostname(); s.Host == "" {
		return bad("names no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("has a bad port")
		}
		s.Port = n
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return bad("has a path or a query, which mean nothing here")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// Configured reports whether the node sends mail.
func (m *Mailer) Configured() bool { return m != nil }

// Server is the server's host:port, to log (never its password).
func (m *Mailer) Server() string { return m.server.Addr() }

// Send mails text to one address with subject, within SendTimeout and
// while ctx lasts. The message is plain UTF-8 text with its own Date and
// Message-ID, marked as automatic so that out-of-office replies do not
// answer it (RFC 3834).
func (m *Mailer) Send(ctx context.Context, to, subject, text string) error {
	if m == nil {
		return fmt.Errorf("sysmail: no mail server is configured")
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil || strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("sysmail: %q is not an email address", to)
	}
	raw, err := m.compose(rcpt, subject, text)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	if err := smtpclient.Submit(ctx, m.server, m.from.Address, []string{rcpt.Address}, raw); err != nil {
		return fmt.Errorf("sysmail: send to %s through %s: %w", rcpt.Address, m.server.Addr(), err)
	}
	return nil
}

// compose writes the MIME message.
func (m *Mailer) compose(to *mail.Address, subject, text string) ([]byte, error) {
	var h mail.Header
	h.SetDate(m.clock.Now())
	h.SetAddressList("From", []*mail.Address{&m.from})
	h.SetAddressList("To", []*mail.Address{to})
	h.SetSubject(strings.NewReplacer("\r", " ", "\n", " ").Replace(subject))
	id := make([]byte, 16)
	rand.Read(id)
	h.SetMessageID(hex.EncodeToString(id) + "@" + domain(m.from.Address))
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("X-Auto-Response-Suppress", "All")
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("sysmail: compose: %w", err)
	}
	io.WriteString(w, strings.TrimRight(text, "\n")+"\n")
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("sysmail: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func domain(address string) string { return address[strings.LastIndex(address, "@")+1:] }
