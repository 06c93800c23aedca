package sysmail

// ResetMail is what a password-reset mail says: to whom, for which
// account, and the link that chooses a new password (it works once,
// within the hour).
type ResetMail struct {
	Name, Email, Link string
}

var resetMessages = messages{
	English: {
		subject: `Reset your Switchboard password`,
		text: `Hello {{.Name}},

Someone, hopefully you, asked to reset the password of the Switchboard account {{.Email}}.

To choose a new password, open this link within the hour:

{{.Link}}

The link works once. If you did not ask, ignore this email: your password stays as it is.
`,
	},
	French: {
		subject: `Réinitialisation de votre mot de passe Switchboard`,
		text: `Bonjour {{.Name}},

Quelqu'un, vous sans doute, a demandé la réinitialisation du mot de passe du compte Switchboard {{.Email}}.

Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :

{{.Link}}

Le lien ne fonctionne qu'une fois. Si vous n'avez rien demandé, ignorez cet e-mail : votre mot de passe reste inchangé.
`,
	},
}.parse("password reset")

// Compose is the mail's subject and text in lang.
func (m ResetMail) Compose(lang Language) (subject, text string, err error) {
	return compose(resetMessages, lang, m)
}
