package httpapi_test

import (
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The server's own address does not mail one recipient without bound:
// past an invitation and two resends within the hour, a resend (or a new
// invitation by mail) is a 429 with Retry-After that mails nothing and
// changes nothing (the link mailed last still works); twenty minutes on,
// one more goes. An invitation without mail is never counted.
func TestInvitationMailsToOneRecipientAreBounded(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		sink := smtptest.New(t, smtptest.Options{})
		clk := clock.NewFake(time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC))
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{Clock: clk}, deps: []func(*httpapi.Deps){withMailer(t, sink)}})
		inv := f.invite(t, "manager", "/api/v1/invitations", `{"email":"nia@example.com","role":"agent","send_email":true}`, 201)
		resend := "/api/v1/invitations/" + itoa(inv.ID) + "/resend"
		f.invite(t, "manager", resend, ``, 200)
		last := f.invite(t, "manager", resend, ``, 200)
		if n := len(sink.Mails()); n != workspace.InviteMailsPerRecipient {
			t.Fatalf("%d mails, want %d", n, workspace.InviteMailsPerRecipient)
		}
		f.vars["last"] = inviteLink.FindStringSubmatch(last.URL)[1]
		f.run(t, []scenario{
			{name: "one resend too many", method: "POST", path: resend, as: "manager", status: 429, want: []string{`"code":"rate_limited"`, "nia@example.com"}},
			{name: "nor a new invitation by mail", method: "POST", path: "/api/v1/invitations", as: "owner",
				body: `{"email":"NIA@example.com","role":"agent","send_email":true}`, status: 429},
			{name: "the link mailed last still works", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{last}}"}`, status: 200},
			{name: "another person's mail goes", method: "POST", path: "/api/v1/invitations", as: "manager",
				body: `{"email":"omar@example.com","role":"agent","send_email":true}`, status: 201, want: []string{`"mailed":true`}},
		})
		if n := len(sink.Mails()); n != workspace.InviteMailsPerRecipient+1 {
			t.Fatalf("%d mails after the refusals, want %d", n, workspace.InviteMailsPerRecipient+1)
		}
		clk.Advance(20 * time.Minute)
		if again := f.invite(t, "manager", resend, ``, 200); !again.Mailed {
			t.Fatalf("a resend twenty minutes on: %+v", again)
		}
	})
}
