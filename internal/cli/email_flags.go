package cli

import (
	"fmt"
	"net"

	"github.com/switchboard-chat/switchboard/internal/app"
)

// emailFlags configure the node's SMTP listener, where email channels
// receive mail (docs/configuration.md, "Email").
type emailFlags struct {
	addr, domain, cert, key string
}

func (e *emailFlags) register(fs *flagSet) {
	fs.StringVar(&e.addr, "smtp-addr", "",
		"receive email channels' mail with an SMTP listener on this address, e.g. :25 or 127.0.0.1:2525 (empty: off)"+fs.env("smtp-addr"))
	fs.StringVar(&e.domain, "smtp-domain", "localhost",
		"the name the SMTP listener greets with"+fs.env("smtp-domain"))
	fs.StringVar(&e.cert, "smtp-tls-cert", "",
		"PEM certificate (chain) the SMTP listener offers STARTTLS with; with --smtp-tls-key"+fs.env("smtp-tls-cert"))
	fs.StringVar(&e.key, "smtp-tls-key", "",
		"PEM private key of --smtp-tls-cert"+fs.env("smtp-tls-key"))
}

// apply checks the settings and puts them into cfg.
func (e *emailFlags) apply(cfg *app.Config) error {
	if e.addr != "" {
		if _, _, err := net.SplitHostPort(e.addr); err != nil {
			return fmt.Errorf("--smtp-addr must be host:port or :port, e.g. :25")
		}
	}
	if (e.cert == "") != (e.key == "") {
		return fmt.Errorf("--smtp-tls-cert and --smtp-tls-key go together")
	}
	cfg.SMTPAddr, cfg.SMTPDomain, cfg.SMTPTLSCert, cfg.SMTPTLSKey = e.addr, e.domain, e.cert, e.key
	return nil
}
