package httpapi

import "github.com/switchboard-chat/switchboard/internal/workspace"

// invitationOperations document invitations (invitations.go,
// invitation_mail.go).
var invitationOperations = map[string]opDoc{
	"GET /api/v1/invitations": {id: "listInvitations", tag: tagSettings, summary: "Pending invitations (not accepted, revoked or expired)",
		desc: "Their links are never shown again: resend one (a new link, mailed) or revoke it and invite again. mail_status says how " +
			"the link last went by mail: none (shared by hand), sent (the node's mail server took it) or failed.",
		query: paged, status: 200, resp: page[workspace.Invitation]{}},
	"POST /api/v1/invitations": {id: "createInvitation", tag: tagSettings, summary: "Invite a person by email: the answer holds the link, once",
		desc: "The link (<public URL or this host>/invite/<token>) works once, until expires_in seconds from now (default seven days, " +
			"at most 30). Only an owner may invite an owner. 422 for an email already a member or a team not in the workspace. " +
			"send_email also mails the link (starting with the public URL) to the email, naming the workspace, who invited, the role " +
			"and when the link expires, in the language asked (language, en or fr: the web app sends the one its form chose; absent, " +
			"the one the request's Accept-Language prefers; otherwise English), which the invitation keeps for its resends; it is sent once the invitation is made, within the request (at most 15 s): mailed says whether " +
			"the mail server took it, and if not, mail_error says why; the invitation and its link stand either way. " +
			"409 mail_not_configured for send_email on a server that sends no mail (serve --mail-smtp-url and --public-url; " +
			"GET /api/v1/me's sends_mail says which): nothing is created.",
		body: newInvitation{}, required: []string{"email"}, status: 201, resp: createdInvitation{}, errors: []int{409}},
	"POST /api/v1/invitations/{invitationID}/resend": {id: "resendInvitation", tag: tagSettings,
		summary: "Mail a pending invitation again, with a new link",
		desc: "Only the link's hash is kept, so the mail holds a new link and the one before stops working; it works at least seven days from the resend (a longer expiry stays). " +
			"The mail is in the invitation's language, whoever resends it, unless language names the other (en or fr; 422 for any " +
			"other, and nothing changes): the invitation keeps it for its next resends. " +
			"The answer is POST /api/v1/invitations's, with the new link, mailed and mail_error. Only an owner may resend an owner's " +
			"invitation (403). 404 for an invitation accepted, revoked or expired; 409 mail_not_configured on a server that sends " +
			"no mail (nothing changes).",
		body: invitationResend{}, optionalBody: true, status: 200, resp: createdInvitation{}, errors: []int{409}},
	"DELETE /api/v1/invitations/{invitationID}": {id: "revokeInvitation", tag: tagSettings,
		summary: "Revoke a pending invitation: its link stops working", status: 204},
	"GET /api/v1/surveys/{token}": {id: "getSurvey", tag: tagAuth, summary: "A satisfaction survey, as its contact's link shows it (no token needed)",
		desc: "The survey's token, from the link <public URL>/rate/<token> its contact was sent, is the credential. rating is 0 until the contact " +
			"answers; expired says the link no longer takes a rating (14 days after it was sent). 404 for an unknown token.",
		status: 200, resp: surveyView{}, errors: []int{404}},
	"POST /api/v1/surveys/{token}": {id: "rateSurvey", tag: tagAuth, summary: "Rate the conversation of a satisfaction survey, 1 to 5, with a comment",
		desc: "Records the rating (replacing an earlier one while the link lasts) and appends conversation.rated to the conversation; the same " +
			"answer again changes nothing. 422 for a rating outside 1–5 or a comment over 2,000 characters; 404 for an unknown token; 410 survey_expired past the link's 14 days; " +
			"409 survey_answered_too_often once the answer has changed 20 times (each change is an event of the conversation).",
		body: surveyAnswer{}, required: []string{"rating"}, status: 200, resp: surveyView{}, errors: []int{404, 409, 410}},
	"OPTIONS /api/v1/surveys/{token}": {id: "surveyPreflight", tag: tagAuth, summary: "CORS preflight of a survey's routes",
		desc: "A survey's two routes answer any origin (Access-Control-Allow-Origin: *): the website widget rates from its site's pages, " +
			"and the token is the only credential.", status: 204},
	"POST /api/v1/invitations/preview": {id: "previewInvitation", tag: tagAuth, summary: "Where an invitation link leads (no token needed)",
		desc: "The workspace, the email and role, and whether the email already has an account (then accepting takes that account's " +
			"password). 404 invitation_not_found for a wrong token; 410 invitation_expired, invitation_used or invitation_revoked.",
		body: invitationToken{}, required: []string{"token"}, status: 200, resp: workspace.InvitationPreview{}, errors: []int{404, 410}},
	"POST /api/v1/invitations/accept": {id: "acceptInvitation", tag: tagAuth,
		summary: "Accept an invitation: the membership is made and the browser signed in (the session cookie)",
		desc: "A new person gives a name and a password (8 characters or more); a person whose email already has an account gives " +
			"that account's password (401 account_password if wrong), which stays theirs; an account without a password " +
			"(a member acting only through API tokens) cannot join this way (409 account_without_password). 409 account_created_meanwhile when an account with the email was " +
			"made between the link's preview and the accept (open the link again: it asks for that account's password), 409 already_member " +
			"when the account is a member already. An account with two-factor sign-in on gives code too, as at sign-in (401 " +
			"two_factor_required without it, two_factor_invalid when wrong). The answer is POST /api/v1/auth/session's. " +
			"Used once: of two accepts at once one wins, the other gets 410 invitation_used. Wrong tokens and passwords are limited " +
			"like sign-ins (429). 403 for a cross-site request.",
		body: acceptInvitation{}, required: []string{"token", "password"}, status: 200, resp: browserSession{},
		errors: []int{401, 403, 404, 409, 410, 429}},
}

func init() {
	for k, v := range invitationOperations {
		operations[k] = v
	}
	enums["WorkspaceInvitation.mail_status"] = []string{workspace.MailNone, workspace.MailSent, workspace.MailFailed}
	enums["CreatedInvitation.mail_status"] = enums["WorkspaceInvitation.mail_status"]
	enums["WorkspaceInvitation.language"] = workspace.InvitationLanguages
	enums["CreatedInvitation.language"] = workspace.InvitationLanguages
	fieldDocs["WorkspaceInvitation.language"] = "the language of the invitation's mail, resends included"
	fieldDocs["CreatedInvitation.language"] = fieldDocs["WorkspaceInvitation.language"]
	enums["WorkspaceInvitationPreview.language"] = workspace.InvitationLanguages
	fieldDocs["WorkspaceInvitationPreview.language"] = "the invitation's language, its mail's: the web app shows the page in it unless the browser has a language chosen"
	fieldDocs["newInvitation.language"] = "the mail's language, kept for resends: a language tag, en or fr (fr-CA is fr; any other is en); " +
		"absent, the one the request's Accept-Language prefers among en and fr, else en"
	enums["invitationResend.language"] = workspace.InvitationLanguages
	fieldDocs["invitationResend.language"] = "the mail's language from now on, this resend's and the next; absent, the invitation's own"
	fieldDocs["newInvitation.send_email"] = "also mail the link to the email (409 mail_not_configured on a server that sends no mail)"
	fieldDocs["CreatedInvitation.mailed"] = "the node's mail server took the invitation's mail"
	fieldDocs["CreatedInvitation.mail_error"] = "why the mail asked for did not go; the link works all the same"
	fieldDocs["WorkspaceInvitation.mail_status_at"] = "when mail_status was set"
	fieldDocs["CreatedInvitation.mail_status_at"] = fieldDocs["WorkspaceInvitation.mail_status_at"]
	fieldDocs["WhoAmI.sends_mail"] = "this server mails links (invitations with send_email, password resets)"
}
