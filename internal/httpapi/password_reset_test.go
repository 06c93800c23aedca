package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// withMailer makes the fixture's node send its mail to a sink on
// loopback, its links starting with https://sb.acme.test.
func withMailer(t *testing.T, sink *smtptest.Sink) func(*httpapi.Deps) {
	t.Helper()
	m, err := sysmail.New(sysmail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(sink.Port()), From: "Switchboard <no-reply@acme.test>"})
	must0(t, err)
	return func(d *httpapi.Deps) { d.Mailer, d.PublicURL = m, "https://sb.acme.test" }
}

// mailText is the decoded text of a plain-text mail.
func mailText(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	must0(t, err)
	p, err := r.NextPart()
	must0(t, err)
	b, err := io.ReadAll(p.Body)
	must0(t, err)
	return string(b)
}

// mailSubject is the decoded subject of a mail.
func mailSubject(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	must0(t, err)
	subject, err := r.Header.Subject()
	must0(t, err)
	return subject
}

var resetLink = regexp.MustCompile(`https://sb\.acme\.test/reset-password/(pwr_[A-Za-z0-9_-]+)`)

// Forgot your password, over HTTP: every request gets the same answer;
// only an account with a password is mailed a link, which sets the
// password once and signs the account out everywhere.
func TestPasswordResetOverHTTP(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		f := newFixture(t, d, withMailer(t, sink))
		if _, err := f.wsSvc.SetAccountPassword(context.Background(), "owner@acme.test", "correct horse"); err != nil {
			t.Fatal(err)
		}
		f.tokens["session"], _ = f.signInAs(t, `{"email":"owner@acme.test","password":"correct horse"}`)
		var bodies []string
		for _, email := range []string{"nobody@acme.test", "agent@acme.test", " Owner@Acme.test "} {
			status, body := f.do(t, scenario{method: "POST", path: "/api/v1/auth/password-reset", body: `{"email":"` + email + `"}`})
			if status != 202 {
				t.Fatalf("%s: %d %s", email, status, body)
			}
			bodies = append(bodies, string(body))
		}
		if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
			t.Fatalf("the answers tell the emails apart: %q", bodies)
		}
		f.server.WaitResetMails()
		mails := sink.Mails()
		if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != "owner@acme.test" {
			t.Fatalf("mailed %+v; want the owner's link only (the agent has no password, nobody no account)", mails)
		}
		text := mailText(t, mails[0].Raw)
		m := resetLink.FindStringSubmatch(text)
		if m == nil || !strings.Contains(text, "Hello The owner,") || !strings.Contains(text, "within the hour") {
			t.Fatalf("no link in %s", text)
		}
		f.vars["link"] = string(m[1])
		f.run(t, []scenario{
			{name: "a short password", method: "POST", path: "/api/v1/auth/password-reset/confirm",
				body: `{"token":"{{link}}","password":"short"}`, status: 422, want: []string{`"field":"password"`}},
			{name: "an unknown link", method: "POST", path: "/api/v1/auth/password-reset/confirm",
				body: `{"token":"pwr_unknown","password":"battery staple"}`, status: 404, want: []string{`"code":"password_reset_invalid"`}},
			{name: "the session works before", method: "GET", path: "/api/v1/me", as: "session", status: 200},
			{name: "the link sets the password", method: "POST", path: "/api/v1/auth/password-reset/confirm",
				body: `{"token":"{{link}}","password":"battery staple"}`, status: 200, want: []string{`"ended":1`}},
			{name: "and ends the session", method: "GET", path: "/api/v1/me", as: "session", status: 401},
			{name: "once", method: "POST", path: "/api/v1/auth/password-reset/confirm",
				body: `{"token":"{{link}}","password":"another one"}`, status: 404, want: []string{`"code":"password_reset_invalid"`}},
			{name: "the old password opens nothing", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"owner@acme.test","password":"correct horse"}`, status: 401},
			{name: "the new one does", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"owner@acme.test","password":"battery staple"}`, status: 200},
			{name: "an email is required", method: "POST", path: "/api/v1/auth/password-reset", body: `{"email":" "}`, status: 422},
		})
	})
}

// Requests are limited per email like failed sign-ins, whatever the
// email; without a mail server (or the public URL links start with)
// the answer is 409 mail_not_configured, for every email alike.
func TestPasswordResetRefusals(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{SignInPerEmail: workspace.Rate{Count: 2, Per: time.Hour}},
			deps: []func(*httpapi.Deps){withMailer(t, sink)}})
		request := func(email string, status int, want ...string) scenario {
			return scenario{name: email + " " + strconv.Itoa(status), method: "POST", path: "/api/v1/auth/password-reset",
				body: `{"email":"` + email + `"}`, status: status, want: want}
		}
		f.run(t, []scenario{
			request("nobody@acme.test", 202), request("nobody@acme.test", 202),
			request("NOBODY@acme.test", 429, "password-reset requests"),
			request("owner@acme.test", 202),
		})
		f.server.WaitResetMails()

		off := newFixture(t, d, withMailer(t, sink), func(d *httpapi.Deps) { d.PublicURL = "" })
		none := newFixture(t, d)
		for _, g := range []*fixture{off, none} {
			g.run(t, []scenario{
				request("owner@acme.test", 409, `"code":"mail_not_configured"`, "operator"),
				request("nobody@example.org", 409, `"code":"mail_not_configured"`, "operator"),
			})
		}
	})
}

// A reset mail is in the language the request names (the web app sends
// its own), else the one its Accept-Language prefers among English and
// French, else English; a language named that the node lacks is English.
func TestPasswordResetMailLanguage(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{SignInPerEmail: workspace.Rate{Count: 100, Per: time.Hour}},
			deps: []func(*httpapi.Deps){withMailer(t, sink)}})
		if _, err := f.wsSvc.SetAccountPassword(context.Background(), "owner@acme.test", "correct horse"); err != nil {
			t.Fatal(err)
		}
		french := []string{"Réinitialisation de votre mot de passe Switchboard", "Bonjour The owner,", "ouvrez ce lien dans l'heure :"}
		english := []string{"Reset your Switchboard password", "Hello The owner,", "open this link within the hour:"}
		cases := []struct {
			name, body, accept string
			want               []string
		}{
			{"named fr", `{"email":"owner@acme.test","language":"fr"}`, "en-US", french},
			{"accept fr", `{"email":"owner@acme.test"}`, "fr-FR,fr;q=0.9,en;q=0.8", french},
			{"named de", `{"email":"owner@acme.test","language":"de"}`, "fr", english},
			{"accept de", `{"email":"owner@acme.test"}`, "de-DE", english},
			{"none", `{"email":"owner@acme.test"}`, "", english},
		}
		for i, tc := range cases {
			header := map[string]string{}
			if tc.accept != "" {
				header["Accept-Language"] = tc.accept
			}
			status, body := f.do(t, scenario{method: "POST", path: "/api/v1/auth/password-reset", body: tc.body, header: header})
			if status != 202 {
				t.Fatalf("%s: %d %s", tc.name, status, body)
			}
			f.server.WaitResetMails()
			m := sink.WaitMails(t, i+1)[i]
			subject, text := mailSubject(t, m.Raw), mailText(t, m.Raw)
			if subject != tc.want[0] || resetLink.FindString(text) == "" {
				t.Errorf("%s: subject %q, want %q; text:\n%s", tc.name, subject, tc.want[0], text)
			}
			for _, line := range tc.want[1:] {
				if !strings.Contains(text, line) {
					t.Errorf("%s: the mail lacks %q:\n%s", tc.name, line, text)
				}
			}
		}
	})
}
