// Package smtpclient submits mail to an SMTP server: the one client of the
// email channel's replies and of the node's own mail (internal/sysmail).
// It connects with the TLS mode asked for, greets, authenticates with
// PLAIN, or LOGIN where the server offers only that, and hands over one
// message. Where the connection comes from is the caller's: the email
// channel dials through the node's guard, the system mailer does not (the
// operator's server may well be internal).
package smtpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLS modes of a connection.
const (
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, 465)
	TLSStart    = "starttls" // plain, then STARTTLS, which the server must offer (submission, 587)
	TLSNone     = "none"     // no TLS: a server on a trusted network only
	// TLSOpportunistic is STARTTLS when the server offers it, else plain
	// (what most mailers do with an smtp:// URL). A password is never
	// sent over the plain connection but to a loopback address.
	TLSOpportunistic = "opportunistic"
)

// Server is an SMTP server to submit mail to, and how.
type Server struct {
	Host string // a name or an address (an IPv6 one with or without brackets)
	Port int
	TLS  string // one of the TLS modes; "" is TLSNone
	// Username and Password authenticate when Username is set.
	Username, Password string
	// Hello is the name the client greets with: the sender's domain.
	Hello string
	// TLSConfig, when set, is the base of the connection's (tests trust
	// their own certificate); nil: the system's roots.
	TLSConfig *tls.Config
	// Dial connects to the server (nil: a plain net.Dialer).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Addr is the server's host:port.
func (s Server) Addr() string {
	return net.JoinHostPort(strings.Trim(s.Host, "[]"), strconv.Itoa(s.Port))
}

// errNoStartTLS is go-smtp's answer to a STARTTLS the server does not
// offer; its text is all that tells it apart (TestOpportunistic pins it).
const errNoStartTLS = "smtp: server doesn't support STARTTLS"

// Connect connects to the server, says hello and authenticates, all
// bounded by ctx's deadline. The caller closes the client. Errors are the
// dialer's or the server's (*smtp.SMTPError) as they come.
func Connect(ctx context.Context, s Server) (*smtp.Client, error) {
	c, err := connect(ctx, s, s.TLS)
	if err != nil && s.TLS == TLSOpportunistic && err.Error() == errNoStartTLS {
		// The server offers no STARTTLS: again, in plain.
		c, err = connect(ctx, s, TLSNone)
	}
	if err != nil {
		return nil, err
	}
	if err := c.Hello(s.Hello); err != nil {
		c.Close()
		return nil, err
	}
	if s.Username != "" {
		if _, secure := c.TLSConnectionState(); !secure && s.TLS == TLSOpportunistic && !loopback(s.Host) {
			c.Close()
			return nil, fmt.Errorf("smtp: %s offers no STARTTLS: the password is not sent in the clear (use smtps:// or a server that offers STARTTLS)", s.Addr())
		}
		auth := sasl.NewPlainClient("", s.Username, s.Password)
		if ok, mechs := c.Extension("AUTH"); ok && !hasMech(mechs, sasl.Plain) && hasMech(mechs, sasl.Login) {
			// Microsoft 365 and Outlook.com offer LOGIN, not PLAIN.
			auth = sasl.NewLoginClient(s.Username, s.Password)
		}
		if err := c.Auth(auth); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// connect dials and sets up the connection's TLS.
func connect(ctx context.Context, s Server, mode string) (*smtp.Client, error) {
	dial := s.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	conn, err := dial(ctx, "tcp", s.Addr())
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	switch mode {
	case TLSImplicit:
		return smtp.NewClient(tls.Client(conn, TLSConfig(s.TLSConfig, s.Host))), nil
	case TLSStart, TLSOpportunistic:
		c, err := smtp.NewClientStartTLS(conn, TLSConfig(s.TLSConfig, s.Host))
		if err != nil {
			conn.Close()
			return nil, err
		}
		return c, nil
	}
	return smtp.NewClient(conn), nil
}

// Submit hands raw, a whole message, to the server for each of to, with
// from as the envelope sender.
func Submit(ctx context.Context, s Server, from string, to []string, raw []byte) error {
	c, err := Connect(ctx, s)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	c.Quit()
	return nil
}

// TLSConfig is the TLS configuration of a connection to host: a clone of
// base (nil: the system's roots) naming host as the server.
func TLSConfig(base *tls.Config, host string) *tls.Config {
	if base != nil {
		c := base.Clone()
		if c.ServerName == "" {
			c.ServerName = strings.Trim(host, "[]")
		}
		return c
	}
	return &tls.Config{ServerName: strings.Trim(host, "[]"), MinVersion: tls.VersionTLS12}
}

// Refused reports whether err is the server's refusal with a 5xx code,
// and that refusal.
func Refused(err error) (*smtp.SMTPError, bool) {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 && se.Code < 600 {
		return se, true
	}
	return nil, false
}

// hasMech says whether an AUTH extension's mechanisms include mech.
func hasMech(mechs, mech string) bool {
	for _, m := range strings.Fields(mechs) {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// loopback says whether host is "localhost" or a loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && a.IsLoopback()
}
