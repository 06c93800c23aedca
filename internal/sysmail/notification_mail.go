package sysmail

import "time"

// NotificationMail is what a notification's mail says: a member was
// mentioned in an internal comment, or assigned a conversation, or (an
// owner) a webhook endpoint was disabled, and had not seen it Delay after.
type NotificationMail struct {
	// Kind is "mention", "assignment" or "webhook_disabled".
	Kind string
	// By is who mentioned or assigned; empty for routing or a workflow (an
	// assignment), or a member since deleted.
	By        string
	Contact   string // the conversation's contact, as the inbox names them
	Workspace string
	// Comment is the mentioning comment's text, cut to a few lines
	// (mentions only).
	Comment string
	// Endpoint and Reason are the disabled webhook endpoint's URL and why
	// it was disabled (webhook_disabled only).
	Endpoint, Reason string
	// Link is the conversation in the web app, or the webhooks' settings.
	Link string
	// Settings is the member's account page, where the mails are chosen.
	Settings string
	Delay    time.Duration
}

var notificationMessages = messages{
	English: {
		subject: `{{if eq .Kind "mention"}}{{or .By "Someone"}} mentioned you in the conversation with {{.Contact}}{{else if eq .Kind "webhook_disabled"}}A webhook endpoint of {{.Workspace}} was disabled{{else}}The conversation with {{.Contact}} is assigned to you{{end}}`,
		text: `Hello,

{{if eq .Kind "mention"}}{{or .By "Someone"}} mentioned you in an internal comment on the conversation with {{.Contact}}, in {{.Workspace}}:

{{quote .Comment}}
{{else if eq .Kind "webhook_disabled"}}The webhook endpoint {{.Endpoint}} of {{.Workspace}} was disabled: {{.Reason}}.
Nothing is sent to it while it is off; an owner enabling it again sends what was still pending.
{{else}}{{if .By}}{{.By}} assigned you{{else}}You were assigned{{end}} the conversation with {{.Contact}}, in {{.Workspace}}.
{{end}}
{{if eq .Kind "webhook_disabled"}}Open the webhooks' settings:{{else}}Open the conversation:{{end}}
{{.Link}}

You get this email because you had not seen this within {{delay .Delay}}. Choose which emails you get in your account: {{.Settings}}
`,
	},
	French: {
		subject: `{{if eq .Kind "mention"}}{{or .By "Quelqu'un"}} vous a mentionné dans la conversation avec {{.Contact}}{{else if eq .Kind "webhook_disabled"}}Un webhook de {{.Workspace}} a été désactivé{{else}}La conversation avec {{.Contact}} vous est attribuée{{end}}`,
		text: `Bonjour,

{{if eq .Kind "mention"}}{{or .By "Quelqu'un"}} vous a mentionné dans un commentaire interne de la conversation avec {{.Contact}}, dans {{.Workspace}} :

{{quote .Comment}}
{{else if eq .Kind "webhook_disabled"}}Le webhook {{.Endpoint}} de {{.Workspace}} a été désactivé : {{.Reason}}.
Rien ne lui est envoyé tant qu'il est désactivé ; un propriétaire qui le réactive lui fait envoyer ce qui restait en attente.
{{else}}{{if .By}}{{.By}} vous a attribué{{else}}Vous avez reçu{{end}} la conversation avec {{.Contact}}, dans {{.Workspace}}.
{{end}}
{{if eq .Kind "webhook_disabled"}}Ouvrir les réglages des webhooks :{{else}}Ouvrir la conversation :{{end}}
{{.Link}}

Vous recevez cet e-mail parce que vous ne l'aviez pas vu dans les {{delay .Delay}}. Choisissez les e-mails que vous recevez dans votre compte : {{.Settings}}
`,
	},
}.parse("notification")

// Compose is the mail's subject and text in lang.
func (m NotificationMail) Compose(lang Language) (subject, text string, err error) {
	return compose(notificationMessages, lang, m)
}
