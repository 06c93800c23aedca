package httpapi

// passwordResetOperations document "Forgot your password?"
// (password_reset.go).
var passwordResetOperations = map[string]opDoc{
	"POST /api/v1/auth/password-reset": {id: "requestPasswordReset", tag: tagAuth,
		summary: "Forgot your password: mail a link to choose a new one",
		desc: "202 with the same body whether or not an account signs in with the email: when one does and has a password, " +
			"a link <public URL>/reset-password/<token> is mailed to it, working once within the hour; a newer request replaces " +
			"the older link. The mail is in the language asked (language, en or fr: the web app sends its own), else the one the " +
			"request's Accept-Language prefers among them, else English. Requests are limited per email and per client address at the sign-in rates (429 with Retry-After). " +
			"409 mail_not_configured when the server sends no mail (serve --mail-smtp-url): the person asks the server's operator.",
		body: passwordResetRequest{}, required: []string{"email"}, status: 202, resp: passwordResetAccepted{}, errors: []int{409, 429}},
	"POST /api/v1/auth/password-reset/confirm": {id: "confirmPasswordReset", tag: tagAuth,
		summary: "Choose a new password with a reset link's token",
		desc: "Sets the password (8 characters or more) of the link's account, for every workspace it works in, and ends every " +
			"session of the account (ended says how many): the person then signs in. 404 password_reset_invalid for a link used " +
			"already, replaced by a newer one or unknown; 404 password_reset_expired past its hour.",
		body: passwordResetConfirm{}, required: []string{"token", "password"}, status: 200, resp: endedSessions{}, errors: []int{404}},
}

func init() {
	for k, v := range passwordResetOperations {
		operations[k] = v
	}
	fieldDocs["passwordResetRequest.language"] = "the mail's language: a language tag, en or fr (fr-CA is fr; any other is en); " +
		"absent, the one the request's Accept-Language prefers among en and fr, else en"
}
