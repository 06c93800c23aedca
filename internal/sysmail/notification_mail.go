package sysmail

import "time"

// NotificationMail is what a notification's mail says: a member was
// mentioned in an internal comment, or assigned a conversation, and had
// not seen it Delay after.
type NotificationMail struct {
	// Kind is "mention" or "assignment".
	Kind string
	// By is who mentioned or assigned; empty for routing or a workflow (an
	// assignment), or a member since deleted.
	By        string
	Contact   string // the conversation's contact, as the inbox names them
	Workspace string
	// Comment is the mentioning comment's text, cut to a few lines
	// (mentions only).
	Comment string
	Link    string // the conversation in the web app
	// Settings is the member's account page, where the mails are chosen.
	Settings string
	Delay    time.Duration
}

var notificationMessages = messages{
	English: {
		subject: `{{if eq .Kind "mention"}}{{or .By "Someone"}} mentioned you in the conversation with {{.Contact}}{{else}}The conversation with {{.Contact}} is assigned to you{{end}}`,
		text: `Hello,

{{if eq .Kind "mention"}}{{or .By "Someone"}} mentioned you in an internal comment on the conversation with {{.Contact}}, in {{.Workspace}}:

{{quote .Comment}}
{{else}}{{if .By}}{{.By}} assigned you{{else}}You were assigned{{end}} the conversation with {{.Contact}}, in {{.Workspace}}.
{{end}}
Open the conversation:
{{.Link}}

You get this email because you had not seen this within {{minutes .Delay}}. Choose which emails you get in your account: {{.Settings}}
`,
	},
	French: {
		subject: `{{if eq .Kind "mention"}}{{or .By "Quelqu'un"}} vous a mentionné dans la conversation avec {{.Contact}}{{else}}La conversation avec {{.Contact}} vous est attribuée{{end}}`,
		text: `Bonjour,

{{if eq .Kind "mention"}}{{or .By "Quelqu'un"}} vous a mentionné dans un commentaire interne de la conversation avec {{.Contact}}, dans {{.Workspace}} :

{{quote .Comment}}
{{else}}{{if .By}}{{.By}} vous a attribué{{else}}Vous avez reçu{{end}} la conversation avec {{.Contact}}, dans {{.Workspace}}.
{{end}}
Ouvrir la conversation :
{{.Link}}

Vous recevez cet e-mail parce que vous ne l'aviez pas vu dans les {{minutes .Delay}}. Choisissez les e-mails que vous recevez dans votre compte : {{.Settings}}
`,
	},
}.parse("notification")

// Compose is the mail's subject and text in lang.
func (m NotificationMail) Compose(lang Language) (subject, text string, err error) {
	return compose(notificationMessages, lang, m)
}
