package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/workspace"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// An owner or manager invites; the link's token is previewed and
// accepted signed out, which signs the browser in with the session
// cookie; the link then answers 410 invitation_used. Agents may not
// invite, managers may not invite owners, and revoked links answer 410
// invitation_revoked.
func TestInvitations(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.PublicURL = "https://desk.example.com/" })
		f.run(t, []scenario{
			{name: "agents may not invite", method: "POST", path: "/api/v1/invitations", as: "agent", body: `{"email":"x@y.z"}`, status: 403},
			{name: "managers may not invite owners", method: "POST", path: "/api/v1/invitations", as: "manager",
				body: `{"email":"x@y.z","role":"owner"}`, status: 403},
			{name: "bad email", method: "POST", path: "/api/v1/invitations", as: "manager", body: `{"email":"nope"}`, status: 422,
				want: []string{`"field":"email"`}},
			{name: "a member", method: "POST", path: "/api/v1/invitations", as: "manager", body: `{"email":"agent@acme.test"}`, status: 422},
			{name: "too long", method: "POST", path: "/api/v1/invitations", as: "manager", body: `{"email":"x@y.z","expires_in":99999999}`,
				status: 422, want: []string{`"field":"expires_in"`}},
			{name: "revoked one", method: "POST", path: "/api/v1/invitations", as: "manager", body: `{"email":"old@acme.test"}`,
				status: 201, capture: "old"},
			{name: "revoke", method: "DELETE", path: "/api/v1/invitations/{{old}}", as: "manager", status: 204},
			{name: "revoke again", method: "DELETE", path: "/api/v1/invitations/{{old}}", as: "manager", status: 404},
			{name: "another workspace's", method: "DELETE", path: "/api/v1/invitations/{{old}}", as: "stranger", status: 404},
		})
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/invitations", as: "manager",
			body: `{"email":"New@Acme.test","role":"agent"}`})
		var created struct {
			ID        int64  `json:"id"`
			URL       string `json:"url"`
			Email     string `json:"email"`
			ExpiresAt string `json:"expires_at"`
		}
		if status != 201 || decode(body, &created) != nil || !strings.HasPrefix(created.URL, "https://desk.example.com/invite/inv_") ||
			created.Email != "new@acme.test" {
			t.Fatalf("invite: %d %s", status, body)
		}
		token := strings.TrimPrefix(created.URL, "https://desk.example.com/invite/")
		f.vars["token"] = token
		f.run(t, []scenario{
			{name: "listed", method: "GET", path: "/api/v1/invitations", as: "owner", status: 200,
				want: []string{`"email":"new@acme.test"`}, notWant: []string{"old@acme.test", "inv_"}},
			{name: "agents may not list", method: "GET", path: "/api/v1/invitations", as: "agent", status: 403},
			{name: "preview", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{token}}"}`, status: 200,
				want: []string{`"workspace_name":"Acme"`, `"email":"new@acme.test"`, `"has_account":false`, `"language":"en"`}},
			{name: "preview wrong", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"inv_nope"}`, status: 404,
				want: []string{`"code":"invitation_not_found"`}},
			{name: "accept cross-site", method: "POST", path: "/api/v1/invitations/accept",
				body: `{"token":"{{token}}","name":"Nia","password":"long enough"}`, status: 403,
				header: map[string]string{"Origin": "https://evil.test", "Sec-Fetch-Site": "cross-site"}},
			{name: "accept short password", method: "POST", path: "/api/v1/invitations/accept",
				body: `{"token":"{{token}}","name":"Nia","password":"short"}`, status: 422, want: []string{`"field":"password"`}},
		})
		resp, out := f.raw(t, "POST", "/api/v1/invitations/accept", "", `{"token":"`+token+`","name":"Nia","password":"long enough"}`,
			map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"})
		if resp.StatusCode != 200 {
			t.Fatalf("accept: %d %s", resp.StatusCode, out)
		}
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == cookieName {
				session = c
			}
		}
		var signed struct {
			User      struct{ Name, Role, Email string } `json:"user"`
			CSRFToken string                             `json:"csrf_token"`
		}
		if session == nil || !session.HttpOnly || json.Unmarshal([]byte(out), &signed) != nil || signed.CSRFToken == "" ||
			signed.User.Name != "Nia" || signed.User.Role != "agent" || strings.Contains(out, session.Value) {
			t.Fatalf("accept answer: %s, cookie %+v", out, session)
		}
		f.run(t, []scenario{
			{name: "signed in", method: "GET", path: "/api/v1/me", header: withCookie(session.Value, ""), status: 200,
				want: []string{`"email":"new@acme.test"`}},
			{name: "used", method: "POST", path: "/api/v1/invitations/accept",
				body: `{"token":"{{token}}","name":"Nia","password":"long enough"}`, status: 410, want: []string{`"code":"invitation_used"`}},
			{name: "preview used", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{token}}"}`, status: 410,
				want: []string{`"code":"invitation_used"`}},
			{name: "no longer pending", method: "GET", path: "/api/v1/invitations", as: "owner", status: 200,
				notWant: []string{"new@acme.test"}},
		})
	})
}

// An expired link answers 410 invitation_expired, on preview and accept,
// and leaves the pending list.
func TestInvitationExpiredLink(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFake(time.Unix(1_700_000_000, 0))
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{Clock: clk}})
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/invitations", as: "owner", body: `{"email":"late@acme.test","expires_in":60}`})
		var created struct{ URL string }
		if status != 201 || decode(body, &created) != nil {
			t.Fatalf("invite: %d %s", status, body)
		}
		f.vars["token"] = created.URL[strings.LastIndex(created.URL, "/")+1:]
		clk.Advance(time.Minute)
		f.run(t, []scenario{
			{name: "preview", method: "POST", path: "/api/v1/invitations/preview", body: `{"token":"{{token}}"}`, status: 410,
				want: []string{`"code":"invitation_expired"`}},
			{name: "accept", method: "POST", path: "/api/v1/invitations/accept", body: `{"token":"{{token}}","name":"Late","password":"long enough"}`,
				status: 410, want: []string{`"code":"invitation_expired"`}},
			{name: "not pending", method: "GET", path: "/api/v1/invitations", as: "owner", status: 200, notWant: []string{"late@acme.test"}},
		})
	})
}
