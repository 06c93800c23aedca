package app

import (
	"crypto/tls"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/channel/email"
)

// attachEmail gives the email provider what it needs beyond the HTTP
// client — the store (a reply reads its conversation's thread; mailbox
// cursors and leases), the media store (raw messages, attachments), the
// channels and the receive path — and adds its engines: the IMAP pollers
// and, with --smtp-addr, the SMTP listener, bound now so that a busy
// address stops the start.
func (a *App) attachEmail() error {
	p, ok := a.Channels.Registry().Provider(email.Type)
	if !ok {
		return nil
	}
	e, ok := p.(*email.Provider)
	if !ok {
		return nil
	}
	// Mailboxes are leased under the node's id, so that a node found dead
	// has them taken back with its other claims (node.reapSilent).
	deps := email.Deps{DB: a.DB, Channels: a.Channels, Receiver: a.Conversations, Clock: a.DB.Clock(), NodeID: a.node.ID(), Metrics: a.Metrics}
	if a.Media != nil {
		deps.Media, deps.MaxMessageBytes = email.MediaStore(a.Media), a.Media.MaxBytes()
	}
	e.Attach(deps)
	a.engines = append(a.engines, e.RunIMAP)
	if a.cfg.SMTPAddr == "" {
		return nil
	}
	opts := email.ListenerOptions{Domain: a.cfg.SMTPDomain}
	if a.Media != nil {
		opts.MaxMessageBytes = a.Media.MaxBytes()
	}
	if a.cfg.SMTPTLSCert != "" || a.cfg.SMTPTLSKey != "" {
		cert, err := tls.LoadX509KeyPair(a.cfg.SMTPTLSCert, a.cfg.SMTPTLSKey)
		if err != nil {
			return fmt.Errorf("app: --smtp-tls-cert, --smtp-tls-key: %w", err)
		}
		opts.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := e.Listen(a.cfg.SMTPAddr, opts)
	if err != nil {
		return err
	}
	a.smtp = l
	a.engines = append(a.engines, l.Run)
	return nil
}

// SMTPAddr is the address the SMTP listener is bound to ("" when off).
func (a *App) SMTPAddr() string {
	if a.smtp == nil {
		return ""
	}
	return a.smtp.Addr()
}
