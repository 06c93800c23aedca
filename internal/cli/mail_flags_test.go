package cli

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
)

// The node's mail is off unless a server is given, by flag or variable;
// given, it needs a sender and the public URL its links start with.
// Notifications wait ten minutes unseen before they are mailed, unless
// the operator says otherwise (0: never), within bounds.
func TestMailFlags(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		public  string
		on      bool
		after   time.Duration
		wantErr string
	}{
		{name: "off by default", after: 10 * time.Minute},
		{name: "from the variables", env: map[string]string{"SWITCHBOARD_MAIL_SMTP_URL": "smtp://bot:pw@mail.acme.example",
			"SWITCHBOARD_MAIL_FROM": "Switchboard <no-reply@acme.example>", "SWITCHBOARD_NOTIFICATION_MAIL_AFTER": "30m"},
			public: "https://sb.acme.example", on: true, after: 30 * time.Minute},
		{name: "from the flags", args: []string{"--mail-smtp-url", "smtps://mail.acme.example", "--mail-from", "no-reply@acme.example",
			"--notification-mail-after", "0"}, public: "https://sb.acme.example", on: true},
		{name: "a wait too short", args: []string{"--notification-mail-after", "500ms"}, wantErr: "between 1s and 168h"},
		{name: "a wait too long", args: []string{"--notification-mail-after", "200h"}, wantErr: "between 1s and 168h"},
		{name: "a negative wait", args: []string{"--notification-mail-after", "-1m"}, wantErr: "between 1s and 168h"},
		{name: "no public URL", args: []string{"--mail-smtp-url", "smtp://mail.acme.example", "--mail-from", "no-reply@acme.example"},
			wantErr: "--public-url"},
		{name: "no sender", args: []string{"--mail-smtp-url", "smtp://mail.acme.example"}, public: "https://sb.acme.example",
			wantErr: "sender"},
		{name: "a sender without a server", args: []string{"--mail-from", "no-reply@acme.example"}, wantErr: "needs --mail-smtp-url"},
		{name: "not an SMTP URL", args: []string{"--mail-smtp-url", "https://bot:pw@mail.acme.example", "--mail-from", "a@acme.example"},
			public: "https://sb.acme.example", wantErr: "smtp://"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := newFlagSet("serve", io.Discard)
			var m mailFlags
			m.register(fs)
			cfg := app.Config{PublicURL: tc.public}
			err := fs.Parse(tc.args)
			if err == nil {
				err = m.apply(&cfg)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "pw") {
					t.Fatalf("err = %v, want %q (without the password)", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.Mailer.Configured() != tc.on || cfg.NotificationMailAfter != tc.after {
				t.Fatalf("mailer configured %v, notifications after %v, err %v; want %v, %v", cfg.Mailer.Configured(), cfg.NotificationMailAfter, err, tc.on, tc.after)
			}
		})
	}
}
