package httpapi_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

var inviteLink = regexp.MustCompile(`https://sb\.acme\.test/invite/(inv_[A-Za-z0-9_-]+)`)

// mailedInvitation is the answer to an invitation that may be mailed.
type mailedInvitation struct {
	ID         int64  `json:"id"`
	URL        string `json:"url"`
	Mailed     bool   `json:"mailed"`
	MailError  string `json:"mail_error"`
	MailStatus string `json:"mail_status"`
}

// invite posts body as the token named as and decodes the answer, which
// must have status want.
func (f *fixture) invite(t *testing.T, as, path, body string, want int) mailedInvitation {
	t.Helper()
	status, out := f.do(t, scenario{method: "POST", path: path, as: as, body: body})
	var inv mailedInvitation
	if status != want || decode(out, &inv) != nil {
		t.Fatalf("%s: %d %s", path, status, out)
	}
	return inv
}

// send_email mails the link (the public URL's, whatever the Host) to the
// invited address, naming the workspace, who invited, the role and when
// the link expires in the workspace's time zone; the answer and the list
// say it was mailed. Resending mails a new link and the old one stops
// working. A server that refuses the mail leaves the invitation and its
// link, the answer saying why it was not mailed.
func TestInvitationMailed(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		clk := clock.NewFake(time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC))
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{Clock: clk}, deps: []func(*httpapi.Deps){withMailer(t, sink)}})
		f.run(t, []scenario{
			{name: "the node sends mail", method: "GET", path: "/api/v1/me", as: "agent", status: 200, want: []string{`"sends_mail":true`}},
			{name: "in Paris", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"timezone":"Europe/Paris"}`, status: 200},
		})

		inv := f.invite(t, "manager", "/api/v1/invitations", `{"email":"Nia@Example.com","role":"agent","send_email":true}`, 201)
		m := inviteLink.FindStringSubmatch(inv.URL)
		if !inv.Mailed || inv.MailError != "" || inv.MailStatus != "sent" || m == nil {
			t.Fatalf("invite: %+v", inv)
		}
		mails := sink.Mails()
		if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != "nia@example.com" {
			t.Fatalf("mailed %+v", mails)
		}
		text := mailText(t, mails[0].Raw)
		for _, want := range []string{"The manager invited you to the Acme workspace on Switchboard, as an agent.", inv.URL,
			"until 17 March 2025 at 10:30 (Europe/Paris)"} {
			if !strings.Contains(text, want) {
				t.Errorf("the mail lacks %q:\n%s", want, text)
			}
		}
		if !strings.Contains(string(mails[0].Raw), "Subject: The manager invited you to Acme on Switchboard") {
			t.Errorf("subject:\n%s", mails[0].Raw)
		}
		f.vars["first"], f.vars["id"] = m[1], itoa(inv.ID)
		f.run(t, []scenario{
			{name: "listed as mailed", method: "GET", path: "/api/v1/invitations", as: "manager", status: 200,
				want: []string{`"mail_status":"sent"`, `"mail_status_at":"2025-03-10T09:30:00Z"`}},
			{name: "the mailed link works", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{first}}"}`, status: 200},
		})

		clk.Advance(time.Hour)
		again := f.invite(t, "manager", "/api/v1/invitations/"+itoa(inv.ID)+"/resend", ``, 200)
		if !again.Mailed || again.URL == inv.URL || inviteLink.FindStringSubmatch(again.URL) == nil || again.ID != inv.ID {
			t.Fatalf("resend: %+v", again)
		}
		if mails := sink.WaitMails(t, 2); !strings.Contains(mailText(t, mails[1].Raw), again.URL) {
			t.Fatalf("the second mail lacks the new link:\n%s", mailText(t, mails[1].Raw))
		}
		f.vars["second"] = inviteLink.FindStringSubmatch(again.URL)[1]
		f.run(t, []scenario{
			{name: "the old link no longer works", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{first}}"}`,
				status: 404, want: []string{`"code":"invitation_not_found"`}},
			{name: "the new one does, seven days from the resend", method: "POST", path: "/api/v1/invitations/preview",
				body: `{"token":"{{second}}"}`, status: 200, want: []string{`"expires_at":"2025-03-17T10:30:00Z"`}},
			{name: "an unknown invitation", method: "POST", path: "/api/v1/invitations/999999/resend", as: "manager", status: 404},
			{name: "another workspace's", method: "POST", path: "/api/v1/invitations/{{id}}/resend", as: "stranger", status: 404},
			{name: "agents may not resend", method: "POST", path: "/api/v1/invitations/{{id}}/resend", as: "agent", status: 403},
		})

		// An owner's invitation: a manager may not make its link anew.
		boss := f.invite(t, "owner", "/api/v1/invitations", `{"email":"boss@example.com","role":"owner"}`, 201)
		f.vars["boss"] = itoa(boss.ID)
		f.run(t, []scenario{
			{name: "a manager may not resend an owner's", method: "POST", path: "/api/v1/invitations/{{boss}}/resend", as: "manager", status: 403},
		})
		if boss.Mailed || boss.MailStatus != "none" || len(sink.Mails()) != 2 {
			t.Fatalf("an invitation without send_email was mailed: %+v", boss)
		}

		// The server refuses: the invitation and its link are there, the
		// answer says it was not mailed and why; so does the list.
		sink.Refuse(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"})
		failed := f.invite(t, "manager", "/api/v1/invitations", `{"email":"nobody@example.com","send_email":true}`, 201)
		if failed.Mailed || failed.MailStatus != "failed" || !strings.Contains(failed.MailError, "No such mailbox") ||
			inviteLink.FindStringSubmatch(failed.URL) == nil {
			t.Fatalf("refused: %+v", failed)
		}
		f.vars["failed"] = inviteLink.FindStringSubmatch(failed.URL)[1]
		resent := f.invite(t, "manager", "/api/v1/invitations/"+itoa(failed.ID)+"/resend", ``, 200)
		if resent.Mailed || resent.MailStatus != "failed" || resent.MailError == "" {
			t.Fatalf("resend refused: %+v", resent)
		}
		f.vars["resent"] = inviteLink.FindStringSubmatch(resent.URL)[1]
		f.run(t, []scenario{
			{name: "listed as failed", method: "GET", path: "/api/v1/invitations", as: "manager", status: 200,
				want: []string{`"email":"nobody@example.com"`, `"mail_status":"failed"`}},
			{name: "its new link works", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{resent}}"}`, status: 200},
		})
	})
}

// A node that sends no mail (or has no public URL for the link) answers
// send_email and resend with 409 mail_not_configured, creating and
// changing nothing (the harness compares every table); without
// send_email it invites as before, and /api/v1/me says it sends no mail.
func TestInvitationMailNotConfigured(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		none := newFixture(t, d)
		noURL := newFixture(t, d, withMailer(t, sink), func(d *httpapi.Deps) { d.PublicURL = "" })
		for _, f := range []*fixture{none, noURL} {
			inv := f.invite(t, "manager", "/api/v1/invitations", `{"email":"link@example.com"}`, 201)
			f.vars["id"] = itoa(inv.ID)
			f.run(t, []scenario{
				{name: "send_email", method: "POST", path: "/api/v1/invitations", as: "manager",
					body: `{"email":"mail@example.com","send_email":true}`, status: 409, want: []string{`"code":"mail_not_configured"`, "copy"}},
				{name: "resend", method: "POST", path: "/api/v1/invitations/{{id}}/resend", as: "manager", status: 409,
					want: []string{`"code":"mail_not_configured"`}},
				{name: "me", method: "GET", path: "/api/v1/me", as: "manager", status: 200, want: []string{`"sends_mail":false`}},
			})
		}
		if len(sink.Mails()) != 0 {
			t.Fatalf("mailed %+v", sink.Mails())
		}
	})
}

// An invitation's mail is in the language the request names (the invite
// form's choice, the inviter's own by default), else the one the
// inviter's Accept-Language prefers, else English; the invitation keeps
// it, so a resend is in it too, whatever the resender's language.
func TestInvitationMailLanguage(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		clk := clock.NewFake(time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC))
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{Clock: clk}, deps: []func(*httpapi.Deps){withMailer(t, sink)}})
		f.run(t, []scenario{{name: "in Paris", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"timezone":"Europe/Paris"}`, status: 200}})
		french := []string{"The manager vous invite à rejoindre Acme sur Switchboard",
			"The manager vous invite à rejoindre l'espace de travail Acme sur Switchboard, en tant qu'agent.",
			"jusqu'au 17 mars 2025 à 10:30 (Europe/Paris)."}
		english := []string{"The manager invited you to Acme on Switchboard",
			"The manager invited you to the Acme workspace on Switchboard, as an agent.", "until 17 March 2025 at 10:30 (Europe/Paris)."}
		sent := 0
		// check reads the next mail, which must be in want's language,
		// with the invitation's link.
		check := func(name string, inv mailedInvitation, want []string) {
			t.Helper()
			sent++
			m := sink.WaitMails(t, sent)[sent-1]
			subject, text := mailSubject(t, m.Raw), mailText(t, m.Raw)
			if !inv.Mailed || subject != want[0] || !strings.Contains(text, inv.URL) {
				t.Errorf("%s: %+v, subject %q, want %q; text:\n%s", name, inv, subject, want[0], text)
			}
			for _, line := range want[1:] {
				if !strings.Contains(text, line) {
					t.Errorf("%s: the mail lacks %q:\n%s", name, line, text)
				}
			}
		}
		cases := []struct {
			name, email, language, accept string
			want                          []string
			stored                        string
		}{
			{"named fr", "fr@example.com", `"fr"`, "en", french, "fr"},
			{"accept fr", "accept@example.com", "", "fr-CA, en;q=0.5", french, "fr"},
			{"named de", "de@example.com", `"de"`, "fr", english, "en"},
			{"none", "none@example.com", "", "", english, "en"},
		}
		for _, tc := range cases {
			body := `{"email":"` + tc.email + `","send_email":true`
			if tc.language != "" {
				body += `,"language":` + tc.language
			}
			status, out := f.do(t, scenario{method: "POST", path: "/api/v1/invitations", as: "manager", body: body + "}",
				header: map[string]string{"Accept-Language": tc.accept}})
			var inv mailedInvitation
			if status != 201 || decode(out, &inv) != nil || !strings.Contains(string(out), `"language":"`+tc.stored+`"`) {
				t.Fatalf("%s: %d %s", tc.name, status, out)
			}
			check(tc.name, inv, tc.want)
			f.vars["id"] = itoa(inv.ID)
			if tc.name == "named fr" {
				status, out := f.do(t, scenario{method: "POST", path: "/api/v1/invitations/{{id}}/resend", as: "manager",
					header: map[string]string{"Accept-Language": "en-US"}})
				var again mailedInvitation
				if status != 200 || decode(out, &again) != nil {
					t.Fatalf("resend: %d %s", status, out)
				}
				check("resent", again, french)
			}
			if tc.name == "none" {
				// A resend may change the language, from now on; one not
				// in the list is refused before any mail or new link.
				f.vars["link"] = inviteLink.FindStringSubmatch(inv.URL)[1]
				f.run(t, []scenario{
					{name: "resent in a language not offered", method: "POST", path: "/api/v1/invitations/{{id}}/resend", as: "manager",
						body: `{"language":"de"}`, status: 422, want: []string{`"field":"language"`}},
					{name: "its link still works", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{link}}"}`, status: 200},
				})
				if n := len(sink.Mails()); n != sent {
					t.Fatalf("a refused resend mailed: %d mails, want %d", n, sent)
				}
				for _, resend := range []struct{ name, body string }{{"resent in fr", `{"language":"fr"}`}, {"resent again, no language", ``}} {
					status, out := f.do(t, scenario{method: "POST", path: "/api/v1/invitations/{{id}}/resend", as: "manager", body: resend.body})
					var again mailedInvitation
					if status != 200 || decode(out, &again) != nil || !strings.Contains(string(out), `"language":"fr"`) {
						t.Fatalf("%s: %d %s", resend.name, status, out)
					}
					check(resend.name, again, french)
				}
			}
		}
		f.run(t, []scenario{{name: "the list says each one's language", method: "GET", path: "/api/v1/invitations", as: "manager", status: 200,
			want: []string{`"email":"fr@example.com"`, `"language":"fr"`, `"language":"en"`}}})
	})
}
