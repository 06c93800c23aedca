package sysmail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/sysmail"
)

// Each mail is written in English and French with the same link and
// expiry; a language the node lacks is English.
func TestComposeInEachLanguage(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	reset := sysmail.ResetMail{Name: "Ada", Email: "ada@example.org", Link: "https://sb.example/reset-password/pwr_x"}
	named := sysmail.InvitationMail{Inviter: "Nia", Workspace: "Acme", Role: "agent", Link: "https://sb.example/invite/inv_x",
		Expires: time.Date(2025, 4, 1, 10, 30, 0, 0, paris)}
	unnamed := named
	unnamed.Inviter, unnamed.Role = "", "manager"
	mention := sysmail.NotificationMail{Kind: "mention", By: "Bob", Contact: "Lea Roux", Workspace: "Acme", Comment: "Refund?\nTwice.",
		Link: "https://sb.example/inbox/all/7", Settings: "https://sb.example/account", Delay: 10 * time.Minute}
	routed := mention
	routed.Kind, routed.By, routed.Comment = "assignment", "", ""
	quick, minute := routed, routed
	quick.Delay, minute.Delay = 30*time.Second, time.Minute
	type mail interface {
		Compose(sysmail.Language) (string, string, error)
	}
	cases := []struct {
		name    string
		mail    mail
		lang    sysmail.Language
		subject string
		lines   []string
	}{
		{"reset en", reset, sysmail.English, "Reset your Switchboard password",
			[]string{"Hello Ada,", "the Switchboard account ada@example.org.", "open this link within the hour:", reset.Link, "The link works once."}},
		{"reset fr", reset, sysmail.French, "Réinitialisation de votre mot de passe Switchboard",
			[]string{"Bonjour Ada,", "du mot de passe du compte Switchboard ada@example.org.", "ouvrez ce lien dans l'heure :", reset.Link,
				"Le lien ne fonctionne qu'une fois."}},
		{"reset de", reset, sysmail.Language("de"), "Reset your Switchboard password", []string{"Hello Ada,"}},
		{"invitation en", named, sysmail.English, "Nia invited you to Acme on Switchboard",
			[]string{"Nia invited you to the Acme workspace on Switchboard, as an agent.", named.Link,
				"until 1 April 2025 at 10:30 (Europe/Paris)."}},
		{"invitation fr", named, sysmail.French, "Nia vous invite à rejoindre Acme sur Switchboard",
			[]string{"Nia vous invite à rejoindre l'espace de travail Acme sur Switchboard, en tant qu'agent.", named.Link,
				"jusqu'au 1er avril 2025 à 10:30 (Europe/Paris)."}},
		{"invitation en unnamed", unnamed, sysmail.English, "You are invited to Acme on Switchboard",
			[]string{"You are invited to the Acme workspace on Switchboard, as a manager."}},
		{"invitation fr unnamed", unnamed, sysmail.French, "Invitation à rejoindre Acme sur Switchboard",
			[]string{"Vous avez reçu une invitation à rejoindre l'espace de travail Acme sur Switchboard, en tant que responsable."}},
		{"mention en", mention, sysmail.English, "Bob mentioned you in the conversation with Lea Roux",
			[]string{"Bob mentioned you in an internal comment on the conversation with Lea Roux, in Acme:\n\n> Refund?\n> Twice.\n",
				mention.Link, "had not seen this within 10 minutes", mention.Settings}},
		{"mention fr", mention, sysmail.French, "Bob vous a mentionné dans la conversation avec Lea Roux",
			[]string{"Bob vous a mentionné dans un commentaire interne de la conversation avec Lea Roux, dans Acme :\n\n> Refund?\n",
				"dans les 10 minutes", mention.Settings}},
		{"assignment by routing en", routed, sysmail.English, "The conversation with Lea Roux is assigned to you",
			[]string{"You were assigned the conversation with Lea Roux, in Acme.\n", routed.Link}},
		{"assignment by routing fr", routed, sysmail.French, "La conversation avec Lea Roux vous est attribuée",
			[]string{"Vous avez reçu la conversation avec Lea Roux, dans Acme.\n", "dans les 10 minutes"}},
		{"a wait under a minute", quick, sysmail.French, "La conversation avec Lea Roux vous est attribuée", []string{"dans les 30 secondes"}},
		{"a wait of one minute", minute, sysmail.English, "The conversation with Lea Roux is assigned to you", []string{"within 1 minute."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			subject, text, err := tc.mail.Compose(tc.lang)
			if err != nil || subject != tc.subject {
				t.Fatalf("subject %q (%v), want %q", subject, err, tc.subject)
			}
			for _, line := range tc.lines {
				if !strings.Contains(text, line) {
					t.Errorf("the text lacks %q:\n%s", line, text)
				}
			}
		})
	}
}
