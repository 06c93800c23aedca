package httpapi

import "github.com/switchboard-chat/switchboard/internal/workspace"

// twoFactorOperations document two-factor sign-in (two_factor.go).
var twoFactorOperations = map[string]opDoc{
	"POST /api/v1/me/two-factor": {id: "beginTwoFactor", tag: tagAuth, summary: "Set up two-factor sign-in: a new authenticator key",
		desc: "Needs your password (422 naming password when wrong; wrong ones count as failed sign-ins). Answers the key (base32), its " +
			"otpauth:// URI and that URI as a PNG QR code (a data: URL) for an authenticator app; two-factor sign-in is on only once " +
			"POST …/confirm gets the app's first code. Your account's: it applies in every workspace you work in. 409 when it is on already; " +
			"403 with an API token (a signed-in session only).",
		body: workspace.TwoFactorInput{}, required: []string{"password"}, status: 200, resp: workspace.TwoFactorSetup{}, errors: []int{403, 409, 429}},
	"POST /api/v1/me/two-factor/confirm": {id: "confirmTwoFactor", tag: tagAuth, summary: "Turn two-factor sign-in on with the app's first code",
		desc: "code is the authenticator's code of the moment for the key set up (422 naming code otherwise). Answers ten one-time recovery " +
			"codes, shown this once: each signs in in place of the app's code. From then on a sign-in needs code (see POST /api/v1/auth/login).",
		body: twoFactorCode{}, required: []string{"code"}, status: 200, resp: workspace.RecoveryCodes{}, errors: []int{403, 409}},
	"POST /api/v1/me/two-factor/disable": {id: "disableTwoFactor", tag: tagAuth, summary: "Turn two-factor sign-in off",
		desc: "Needs your password and a code (the app's or a recovery code): 422 naming the wrong one, which counts as a failed sign-in. " +
			"The recovery codes go with it. The server's operator can turn it off for a person who lost both: switchboard user two-factor-off.",
		body: workspace.TwoFactorInput{}, required: []string{"password", "code"}, status: 204, errors: []int{403, 409, 429}},
	"POST /api/v1/me/two-factor/recovery-codes": {id: "newRecoveryCodes", tag: tagAuth, summary: "New recovery codes in place of the old ones",
		desc: "Needs your password and a code (the app's or a recovery code). Answers ten new codes, shown this once; the old ones stop working.",
		body: workspace.TwoFactorInput{}, required: []string{"password", "code"}, status: 200, resp: workspace.RecoveryCodes{}, errors: []int{403, 409, 429}},
}

func init() {
	for k, v := range twoFactorOperations {
		operations[k] = v
	}
}
