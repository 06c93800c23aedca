package email

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Probe implements channel.Prober: it connects and authenticates to the
// channel's SMTP server, and to its IMAP server when one is set (selecting
// the mailbox), and says what happened. No mail is sent.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	began := time.Now()
	cfg, err := parseConfig(ch)
	if err != nil {
		return channel.ProbeResult{Error: "the channel's configuration cannot be read"}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var said, urls []string
	var failed []string
	if cfg.SMTPHost != "" {
		urls = append(urls, "smtp://"+cfg.smtpAddr())
		if c, err := p.smtpClient(ctx, cfg); err != nil {
			failed = append(failed, "SMTP: "+err.Error())
		} else {
			c.Quit()
			c.Close()
			said = append(said, "SMTP: connected"+authText(cfg.SMTPUsername))
		}
	}
	if cfg.IMAPHost != "" {
		urls = append(urls, "imap://"+cfg.imapAddr())
		if c, _, err := p.imapClient(ctx, cfg, nil); err != nil {
			failed = append(failed, "IMAP: "+err.Error())
		} else {
			stop := context.AfterFunc(ctx, func() { c.Close() }) // a server that stops answering
			defer stop()
			sel, err := c.Select(cfg.IMAPMailbox, nil).Wait()
			if err != nil {
				failed = append(failed, fmt.Sprintf("IMAP: select %s: %v", cfg.IMAPMailbox, err))
			} else {
				said = append(said, fmt.Sprintf("IMAP: logged in as %s; %s holds %d messages", cfg.IMAPUsername, cfg.IMAPMailbox, sel.NumMessages))
			}
			c.Logout().Wait()
			c.Close()
		}
	}
	r := channel.ProbeResult{URL: strings.Join(urls, " "), LatencyMS: time.Since(began).Milliseconds()}
	switch {
	case len(urls) == 0:
		r.Error = "no SMTP or IMAP server is configured: mail arrives through the node's SMTP listener and replies cannot be sent"
	case len(failed) > 0:
		r.Error = limit.Storable(strings.Join(failed, "; "), channel.MaxProbeBody)
	default:
		r.OK = true
	}
	r.Body = limit.Storable(strings.Join(said, "; "), channel.MaxProbeBody)
	return r
}

func authText(user string) string {
	if user == "" {
		return " (no authentication configured)"
	}
	return " and authenticated as " + user
}
