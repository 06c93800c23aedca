package httpapi_test

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// signInAs posts a sign-in body and returns its answer: a token, or the
// workspaces to choose from.
func (f *fixture) signInAs(t *testing.T, body string) (token string, workspaces []workspace.AccountWorkspace) {
	t.Helper()
	resp, out := f.raw(t, "POST", "/api/v1/auth/login", "", body, nil)
	var s struct {
		Token      string
		Workspaces []workspace.AccountWorkspace
	}
	if resp.StatusCode != 200 || decode([]byte(out), &s) != nil {
		t.Fatalf("login %s: %d %s", body, resp.StatusCode, out)
	}
	return s.Token, s.Workspaces
}

// One person in two workspaces, over HTTP: the second workspace invites
// Ana, who joins with her own password; sign-in lists both; each session sees
// its own workspace only; her password is one; deactivation is per
// workspace.
func TestOnePersonInTwoWorkspaces(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		var me struct{ Workspace workspace.Workspace }
		f.get(t, "/api/v1/me", "stranger", &me)
		f.vars["other"] = itoa(me.Workspace.ID)
		f.vars["acme"] = itoa(f.ws.ID)
		f.vars["strangerUser"] = itoa(dbtestUserID(t, f, "Stranger"))

		f.run(t, []scenario{
			{name: "Other may not attach Ana's account: it invites her", method: "POST", path: "/api/v1/users", as: "stranger",
				body: `{"email":"Ana@Acme.test","name":"Ana O","role":"manager","password":"chosen by other"}`, status: 409,
				want: []string{`"code":"account_exists"`, "invite"}, notWant: []string{"Acme\"", `"agent"`}},
		})
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/invitations", as: "stranger",
			body: `{"email":"ana@acme.test","role":"manager"}`})
		var invited struct{ URL string }
		if status != 201 || decode(body, &invited) != nil {
			t.Fatalf("invite: %d %s", status, body)
		}
		token := invited.URL[strings.LastIndex(invited.URL, "/")+1:]
		resp, out := f.raw(t, "POST", "/api/v1/invitations/accept", "", `{"token":"`+token+`","name":"Ana O","password":"correct horse"}`,
			map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"})
		var joined struct{ User workspace.User }
		if resp.StatusCode != 200 || decode([]byte(out), &joined) != nil {
			t.Fatalf("accept with her own password: %d %s", resp.StatusCode, out)
		}
		f.vars["anaOther"] = itoa(joined.User.ID)
		f.run(t, []scenario{
			{name: "twice in Other is a conflict", method: "POST", path: "/api/v1/users", as: "stranger",
				body: `{"email":"ana@acme.test","name":"Again"}`, status: 409},
			{name: "Other's list shows its own Ana only", method: "GET", path: "/api/v1/users", as: "stranger", status: 200,
				want: []string{`"name":"Ana O"`}, notWant: []string{"Acme", `"name":"Ana"`}},
			{name: "Other's password is not Ana's", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"chosen by other"}`, status: 401},
			{name: "Other may not reset it: it opens Acme too", method: "PATCH", path: "/api/v1/users/{{anaOther}}", as: "stranger",
				body: `{"password":"taken over!"}`, status: 409},
			{name: "a workspace Ana does not work in", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"correct horse","workspace_id":999999}`, status: 404},
			{name: "a bad workspace_id", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"correct horse","workspace_id":"acme"}`, status: 400},
		})

		token, list := f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse"}`)
		if token != "" || len(list) != 2 || list[0].ID != f.ws.ID || list[0].Name != "Acme" || list[0].Role != "agent" ||
			list[1].Name != "Other" || list[1].Role != "manager" {
			t.Fatalf("sign-in without a workspace: token %q, workspaces %+v", token, list)
		}
		f.tokens["anaAcme"], _ = f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse","workspace_id":{{acme}}}`)
		f.tokens["anaOther"], _ = f.signInAs(t, `{"email":"ana@acme.test","password":"correct horse","workspace_id":{{other}}}`)
		f.run(t, []scenario{
			{name: "Acme's session is in Acme", method: "GET", path: "/api/v1/me", as: "anaAcme", status: 200,
				want: []string{`"workspace":{"id":{{acme}}`, `"role":"agent"`, `"account":{`, `"email":"ana@acme.test"`, `"name":"Other"`}},
			{name: "Other's session is in Other", method: "GET", path: "/api/v1/me", as: "anaOther", status: 200,
				want: []string{`"workspace":{"id":{{other}}`, `"role":"manager"`, `"name":"Acme"`}},
			{name: "Acme's session sees Acme's users", method: "GET", path: "/api/v1/users", as: "anaAcme", status: 200,
				want: []string{"The owner"}, notWant: []string{"Stranger"}},
			{name: "Acme's session cannot reach Other's users", method: "GET", path: "/api/v1/users/{{strangerUser}}", as: "anaAcme", status: 404},
			{name: "Other's session sees Other's users", method: "GET", path: "/api/v1/users", as: "anaOther", status: 200,
				want: []string{"Stranger"}, notWant: []string{"The owner"}},
			{name: "Other's session cannot reach Acme's channel", method: "GET", path: "/api/v1/channels/{{channel}}", as: "anaOther", status: 404},
			{name: "a password change from Other", method: "PUT", path: "/api/v1/me/password", as: "anaOther",
				body: `{"current_password":"correct horse","new_password":"battery staple"}`, status: 200, want: []string{`"ended":2`}}, // Acme's session and the one accepting opened
			{name: "signs Acme's session out", method: "GET", path: "/api/v1/me", as: "anaAcme", status: 401},
			{name: "the old password opens nothing", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"correct horse","workspace_id":{{acme}}}`, status: 401},
		})
		f.tokens["anaAcme"], _ = f.signInAs(t, `{"email":"ana@acme.test","password":"battery staple","workspace_id":{{acme}}}`)
		f.run(t, []scenario{
			{name: "Acme deactivates Ana", method: "POST", path: "/api/v1/users/{{ana}}/deactivate", as: "owner", status: 200},
			{name: "her Acme session ends", method: "GET", path: "/api/v1/me", as: "anaAcme", status: 401},
			{name: "her Other session works", method: "GET", path: "/api/v1/me", as: "anaOther", status: 200, notWant: []string{"Acme"}},
			{name: "Acme refuses her sign-in", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"battery staple","workspace_id":{{acme}}}`, status: 401,
				want: []string{`"code":"user_deactivated"`}},
			{name: "a wrong password is only wrong", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"wrong horse","workspace_id":{{acme}}}`, status: 401,
				want: []string{`"code":"unauthorized"`}, notWant: []string{"deactivated"}},
		})
		token, list = f.signInAs(t, `{"email":"ana@acme.test","password":"battery staple"}`)
		f.tokens["only"] = token
		if token == "" || list != nil {
			t.Fatalf("with one active workspace sign-in = token %q, workspaces %+v; want a token", token, list)
		}
		f.run(t, []scenario{
			{name: "straight into Other", method: "GET", path: "/api/v1/me", as: "only", status: 200,
				want: []string{`"workspace":{"id":{{other}}`}},
		})
	})
}

// dbtestUserID finds a user's id by name.
func dbtestUserID(t *testing.T, f *fixture, name string) int64 {
	t.Helper()
	return int64(dbtest.Count(t, f.d, `SELECT id FROM users WHERE name = ?`, name))
}
