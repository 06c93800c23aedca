package email

import (
	"encoding/json"
	"errors"
	"net"
	"net/mail"
	"net/netip"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/smtpclient"
)

// TLS modes of an IMAP or SMTP connection: the SMTP client's (IMAPS 993,
// IMAP 143 with STARTTLS).
const (
	TLSImplicit = smtpclient.TLSImplicit
	TLSStart    = smtpclient.TLSStart
	TLSNone     = smtpclient.TLSNone
)

// Config is the configuration of an email channel. IMAP is on when
// IMAPHost is set; outbound mail needs SMTPHost.
type Config struct {
	// Address is the channel's address: mail to it reaches the channel
	// (the SMTP listener routes by it) and replies come from it.
	Address     string `json:"address"`
	DisplayName string `json:"display_name,omitempty"`

	IMAPHost     string `json:"imap_host,omitempty"`
	IMAPPort     int    `json:"imap_port,omitempty"`
	IMAPUsername string `json:"imap_username,omitempty"`
	IMAPPassword string `json:"imap_password,omitempty"` // secret
	IMAPTLS      string `json:"imap_tls,omitempty"`
	IMAPMailbox  string `json:"imap_mailbox,omitempty"`

	SMTPHost     string `json:"smtp_host,omitempty"`
	SMTPPort     int    `json:"smtp_port,omitempty"`
	SMTPUsername string `json:"smtp_username,omitempty"`
	SMTPPassword string `json:"smtp_password,omitempty"` // secret
	SMTPTLS      string `json:"smtp_tls,omitempty"`

	// TLSCertificate is PEM text of certificates the channel's IMAP and
	// SMTP connections trust besides the system's roots (trust.go).
	TLSCertificate string `json:"tls_certificate,omitempty"`
}

var schema = channel.Schema{Fields: []channel.Field{
	{Name: "address", Type: "string", Title: "Email address", Required: true, MaxLength: limit.Email,
		Description: "The channel's address: mail sent to it reaches this channel, and replies are sent from it."},
	{Name: "display_name", Type: "string", Title: "Display name", MaxLength: limit.Name,
		Description: "The name replies are sent under (e.g. \"Acme Support\")."},
	{Name: "imap_host", Type: "string", Title: "IMAP host", MaxLength: 253,
		Description: "Read the mailbox over IMAP (with IDLE); empty: mail arrives through the node's SMTP listener only."},
	{Name: "imap_port", Type: "integer", Title: "IMAP port", Description: "993 with TLS, 143 otherwise, unless set."},
	{Name: "imap_username", Type: "string", Title: "IMAP username", MaxLength: 254},
	{Name: "imap_password", Type: "string", Title: "IMAP password", Secret: true, MaxLength: 1024},
	{Name: "imap_tls", Type: "string", Title: "IMAP TLS", Description: "tls (default), starttls or none.", Options: []string{TLSImplicit, TLSStart, TLSNone}},
	{Name: "imap_mailbox", Type: "string", Title: "IMAP mailbox", MaxLength: 200, Description: "The folder read; INBOX unless set."},
	{Name: "smtp_host", Type: "string", Title: "SMTP host", MaxLength: 253, Description: "The server replies are sent through."},
	{Name: "smtp_port", Type: "integer", Title: "SMTP port", Description: "465 with TLS, 587 with STARTTLS, 25 without, unless set."},
	{Name: "smtp_username", Type: "string", Title: "SMTP username", MaxLength: 254},
	{Name: "smtp_password", Type: "string", Title: "SMTP password", Secret: true, MaxLength: 1024},
	{Name: "smtp_tls", Type: "string", Title: "SMTP TLS", Description: "starttls (default), tls or none.", Options: []string{TLSStart, TLSImplicit, TLSNone}},
	{Name: "tls_certificate", Type: "text", Title: "Trusted certificate", MaxLength: maxCertificatePEM,
		Description: "For a mail server whose certificate no public authority signed (self-signed, or your company's own authority): paste that certificate, or the authority's, in PEM (-----BEGIN CERTIFICATE-----). Connections to the IMAP and SMTP hosts then trust it."},
}}

// validateConfig checks and normalises an email channel's configuration;
// guard, when not nil, vets the hosts given as literal addresses.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	if err := limit.Text("config.address", c.Address, limit.Email); err != nil {
		return nil, err
	}
	a, err := mail.ParseAddress(strings.TrimSpace(c.Address))
	if c.Address == "" || err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
		return nil, apperr.Invalid("config.address", "must be an email address (name@example.com)")
	}
	c.Address = strings.ToLower(a.Address)
	c.DisplayName = strings.TrimSpace(c.DisplayName)
	if err := limit.Text("config.display_name", c.DisplayName, limit.Name); err != nil {
		return nil, err
	}
	if strings.ContainsAny(c.DisplayName, "\r\n") {
		return nil, apperr.Invalid("config.display_name", "must be one line")
	}
	if c.IMAPHost = strings.TrimSpace(c.IMAPHost); c.IMAPHost != "" {
		if c.IMAPTLS, err = tlsMode("config.imap_tls", c.IMAPTLS, TLSImplicit); err != nil {
			return nil, err
		}
		if c.IMAPPort, err = port("config.imap_port", c.IMAPPort, map[string]int{TLSImplicit: 993}[c.IMAPTLS], 143); err != nil {
			return nil, err
		}
		if err := checkHost("config.imap_host", c.IMAPHost, guard); err != nil {
			return nil, err
		}
		if c.IMAPMailbox = strings.TrimSpace(c.IMAPMailbox); c.IMAPMailbox == "" {
			c.IMAPMailbox = "INBOX"
		}
		if err := limit.Text("config.imap_mailbox", c.IMAPMailbox, 200); err != nil {
			return nil, err
		}
	} else if c.IMAPUsername != "" || c.IMAPPort != 0 {
		return nil, apperr.Invalid("config.imap_host", "is required to read the mailbox over IMAP")
	} else {
		// IMAP off. A password here is most often the one stored before
		// (a save that leaves a secret out keeps it): it goes with the
		// host, or IMAP could never be turned off from the settings form.
		c.IMAPPassword = ""
	}
	if c.SMTPHost = strings.TrimSpace(c.SMTPHost); c.SMTPHost != "" {
		if c.SMTPTLS, err = tlsMode("config.smtp_tls", c.SMTPTLS, TLSStart); err != nil {
			return nil, err
		}
		def := map[string]int{TLSImplicit: 465, TLSStart: 587}[c.SMTPTLS]
		if c.SMTPPort, err = port("config.smtp_port", c.SMTPPort, def, 25); err != nil {
			return nil, err
		}
		if err := checkHost("config.smtp_host", c.SMTPHost, guard); err != nil {
			return nil, err
		}
	} else if c.SMTPUsername != "" || c.SMTPPort != 0 {
		return nil, apperr.Invalid("config.smtp_host", "is required to send replies")
	} else {
		c.SMTPPassword = "" // SMTP off: as for IMAP above
	}
	for _, f := range []struct{ name, v string }{{"config.imap_username", c.IMAPUsername}, {"config.smtp_username", c.SMTPUsername},
		{"config.imap_password", c.IMAPPassword}, {"config.smtp_password", c.SMTPPassword}, {"config.imap_mailbox", c.IMAPMailbox}} {
		if strings.ContainsAny(f.v, "\r\n\x00") {
			return nil, apperr.Invalid(f.name, "must be one line")
		}
	}
	if c.TLSCertificate = strings.TrimSpace(c.TLSCertificate); c.TLSCertificate != "" {
		if _, err := parseCertificates("config.tls_certificate", c.TLSCertificate); err != nil {
			return nil, err
		}
	}
	return json.Marshal(c)
}

func tlsMode(field, v, def string) (string, error) {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "":
		return def, nil
	case TLSImplicit, TLSStart, TLSNone:
		return v, nil
	}
	return "", apperr.Invalid(field, "must be tls, starttls or none")
}

func port(field string, v, def, fallback int) (int, error) {
	if v == 0 {
		if def == 0 {
			def = fallback
		}
		return def, nil
	}
	if v < 1 || v > 65535 {
		return 0, apperr.Invalid(field, "must be a port between 1 and 65535")
	}
	return v, nil
}

// checkHost accepts a host name or a literal address the guard allows.
func checkHost(field, host string, guard *netguard.Guard) error {
	if len(host) > 253 || strings.ContainsAny(host, "/:@ ?#[]") && !isIPv6(host) {
		return apperr.Invalid(field, "must be a host name or address, without a scheme or port")
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return nil // a name: checked where it is dialled
	}
	if guard != nil {
		var denied *netguard.DeniedError
		if err := guard.Check(ip); errors.As(err, &denied) {
			return apperr.Invalid(field, "%s", denied.Reason())
		}
	}
	return nil
}

func isIPv6(h string) bool {
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	return err == nil && ip.Is6()
}

// parseConfig reads a stored configuration with its secrets.
func parseConfig(ch channel.Channel) (Config, error) {
	var c Config
	if err := json.Unmarshal(ch.Config, &c); err != nil {
		return Config{}, err
	}
	if v := ch.Secret("imap_password"); v != "" {
		c.IMAPPassword = v
	}
	if v := ch.Secret("smtp_password"); v != "" {
		c.SMTPPassword = v
	}
	return c, nil
}

func (c Config) imapAddr() string {
	return net.JoinHostPort(strings.Trim(c.IMAPHost, "[]"), strconv.Itoa(c.IMAPPort))
}

// mailboxKey names the mailbox the IMAP settings read: the server, the
// account and the folder.
func (c Config) mailboxKey() string {
	return strings.ToLower(c.imapAddr()) + " " + c.IMAPUsername + " " + c.IMAPMailbox
}

func (c Config) smtpAddr() string {
	return net.JoinHostPort(strings.Trim(c.SMTPHost, "[]"), strconv.Itoa(c.SMTPPort))
}
