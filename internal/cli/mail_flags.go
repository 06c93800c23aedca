package cli

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
)

// mailFlags configure the node's own mail: password-reset links,
// invitations and notification mails (docs/configuration.md, "Mail").
type mailFlags struct {
	url, from string
	// notifyAfter is how long a notification waits unseen before it is
	// mailed; 0: notifications are not mailed.
	notifyAfter time.Duration
}

func (m *mailFlags) register(fs *flagSet) {
	fs.StringVar(&m.url, "mail-smtp-url", "",
		"send the node's own mail (password resets) through this server: smtp://user:pass@host:587 (STARTTLS when offered) "+
			"or smtps://user:pass@host:465; empty: off. Prefer the variable, which ps does not show"+fs.env("mail-smtp-url"))
	fs.StringVar(&m.from, "mail-from", "",
		`who the node's mail comes from, e.g. "Switchboard <no-reply@example.com>"; required with --mail-smtp-url`+fs.env("mail-from"))
	fs.DurationVar(&m.notifyAfter, "notification-mail-after", notification.MailDelay,
		"with --mail-smtp-url, mail a member a mention, an assignment or a disabled webhook they have not seen this long after it; 0: never"+
			fs.env("notification-mail-after"))
}

// apply checks the settings and puts the mailer into cfg. It runs after
// --public-url is read: the links a mail holds start with it, never with
// the Host a request names, which anyone may set.
func (m *mailFlags) apply(cfg *app.Config) error {
	if m.notifyAfter < 0 || (m.notifyAfter > 0 && m.notifyAfter < time.Second) || m.notifyAfter > 7*24*time.Hour {
		return fmt.Errorf("--notification-mail-after is 0 (never) or between 1s and 168h")
	}
	cfg.NotificationMailAfter = m.notifyAfter
	if m.url == "" {
		if m.from != "" {
			return fmt.Errorf("--mail-from needs --mail-smtp-url")
		}
		return nil
	}
	mailer, err := sysmail.New(sysmail.Config{URL: m.url, From: m.from})
	if err != nil {
		return fmt.Errorf("--mail-smtp-url, --mail-from: %w", err)
	}
	if cfg.PublicURL == "" {
		return fmt.Errorf("--mail-smtp-url needs --public-url: the links the node mails start with it")
	}
	slog.Info("the node sends its own mail", "server", mailer.Server(), "from", m.from)
	cfg.Mailer = mailer
	return nil
}
