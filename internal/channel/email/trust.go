package email

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/smtpclient"
)

// maxCertificatePEM bounds the trusted certificates of a channel: a
// server's certificate with its chain is a few kilobytes.
const maxCertificatePEM = 32 << 10

// A channel's trusted certificates (Config.TLSCertificate) are for the mail
// server a company runs itself, whose certificate no public authority
// signed: self-signed, or signed by the company's own authority. The
// connection then trusts that certificate as the server's, whatever name
// it carries (it was given for this channel: pinned), or, for an
// authority's certificate, a server certificate it signed for the host,
// beside the system's roots. Nothing here turns verification off.

// parseCertificates reads PEM text of one or more certificates and
// nothing else (a private key pasted by mistake is refused, not stored).
func parseCertificates(field, text string) ([]*x509.Certificate, error) {
	if len(text) > maxCertificatePEM {
		return nil, apperr.Invalid(field, "is too long: a certificate with its chain is a few kilobytes")
	}
	rest := []byte(text)
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, apperr.Invalid(field, "must hold certificates only (BEGIN CERTIFICATE), never a %s", strings.ToLower(b.Type))
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, apperr.Invalid(field, "holds a certificate that cannot be read: %v", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 || len(bytes.TrimSpace(rest)) > 0 {
		return nil, apperr.Invalid(field, "must be the server's certificate, or its authority's, in PEM (-----BEGIN CERTIFICATE-----)")
	}
	return out, nil
}

// tlsFor is the TLS configuration of a connection to host for a channel
// whose configuration is cfg: the provider's (nil: the system's roots),
// plus the channel's trusted certificates when it has any.
func (p *Provider) tlsFor(cfg Config, host string) *tls.Config {
	c := smtpclient.TLSConfig(p.TLSConfig, host)
	if cfg.TLSCertificate == "" {
		return c
	}
	trusted, err := parseCertificates("config.tls_certificate", cfg.TLSCertificate)
	if err != nil {
		// Checked when saved: only a configuration stored otherwise gets
		// here, and it connects as if it had none.
		return c
	}
	roots := c.RootCAs
	if roots == nil {
		if roots, err = x509.SystemCertPool(); err != nil {
			roots = x509.NewCertPool()
		}
	} else {
		roots = roots.Clone()
	}
	for _, t := range trusted {
		roots.AddCert(t)
	}
	name := c.ServerName
	// Verified below instead of by crypto/tls, which would also insist on
	// the host's name in a pinned certificate: a self-signed one often
	// names the machine, not the address the channel dials.
	c.InsecureSkipVerify = true
	c.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("email: the server sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		for _, t := range trusted {
			if leaf.Equal(t) {
				return nil
			}
		}
		inter := x509.NewCertPool()
		for _, ic := range cs.PeerCertificates[1:] {
			inter.AddCert(ic)
		}
		_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: name})
		return err
	}
	return c
}
