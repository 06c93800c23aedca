package sysmail

import "time"

// InvitationMail is what an invitation's mail says: the workspace, who
// invited, the role, the link and when it stops working.
type InvitationMail struct {
	// Inviter is who invited, or empty: a deleted user, or a workspace
	// token, is not named.
	Inviter   string
	Workspace string
	// Role is owner, manager or agent.
	Role string
	Link string
	// Expires is when the link stops working, in the time zone the mail
	// names (the workspace's).
	Expires time.Time
}

var invitationMessages = messages{
	English: {
		subject: `{{if .Inviter}}{{.Inviter}} invited you{{else}}You are invited{{end}} to {{.Workspace}} on Switchboard`,
		text: `Hello,

{{if .Inviter}}{{.Inviter}} invited you{{else}}You are invited{{end}} to the {{.Workspace}} workspace on Switchboard, {{asRole .Role}}.

To join, open this link and choose your name and a password (if you already use Switchboard with this email address, enter that password instead):

{{.Link}}

The link works once, until {{date .Expires}} ({{.Expires.Location}}). If you did not expect this invitation, you can ignore this email.
`,
	},
	French: {
		subject: `{{if .Inviter}}{{.Inviter}} vous invite à rejoindre{{else}}Invitation à rejoindre{{end}} {{.Workspace}} sur Switchboard`,
		text: `Bonjour,

{{if .Inviter}}{{.Inviter}} vous invite à rejoindre{{else}}Vous avez reçu une invitation à rejoindre{{end}} l'espace de travail {{.Workspace}} sur Switchboard, {{asRole .Role}}.

Pour le rejoindre, ouvrez ce lien, puis choisissez votre nom et un mot de passe (si vous utilisez déjà Switchboard avec cette adresse e-mail, saisissez plutôt le mot de passe de ce compte) :

{{.Link}}

Le lien ne fonctionne qu'une fois, jusqu'au {{date .Expires}} ({{.Expires.Location}}). Si vous n'attendiez pas cette invitation, vous pouvez ignorer cet e-mail.
`,
	},
}.parse("invitation")

// Compose is the mail's subject and text in lang.
func (m InvitationMail) Compose(lang Language) (subject, text string, err error) {
	return compose(invitationMessages, lang, m)
}
