package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestAuthAndRoles(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "no token", method: "GET", path: "/api/v1/contacts", status: 401, want: []string{`"code":"unauthorized"`}},
			{name: "not our kind of token", method: "GET", path: "/api/v1/contacts", as: "abc", status: 401},
			{name: "unknown token", method: "GET", path: "/api/v1/contacts", as: "sb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", status: 401},
			{name: "no token on a write", method: "POST", path: "/api/v1/contacts", body: `{"first_name":"Eve"}`, status: 401},
			{name: "me as agent", method: "GET", path: "/api/v1/me", as: "agent", status: 200,
				want: []string{`"role":"agent"`, `"email":"agent@acme.test"`, `"name":"Acme"`}},
			{name: "me as integration", method: "GET", path: "/api/v1/me", as: "integration", status: 200,
				want: []string{`"role":"owner"`}, notWant: []string{`"user"`}},

			{name: "agent may not delete contacts", method: "DELETE", path: "/api/v1/contacts/1", as: "agent", status: 403,
				want: []string{`"code":"forbidden"`}},
			{name: "agent may not add users", method: "POST", path: "/api/v1/users", as: "agent",
				body: `{"email":"x@acme.test","name":"X"}`, status: 403},
			{name: "agent may not create teams", method: "POST", path: "/api/v1/teams", as: "agent", body: `{"name":"Sales"}`, status: 403},
			{name: "agent may not create channels", method: "POST", path: "/api/v1/channels", as: "agent",
				body: `{"type":"custom","name":"x","config":{"base_url":"http://x.test"}}`, status: 403},
			{name: "agent may not define fields", method: "POST", path: "/api/v1/custom-fields", as: "agent",
				body: `{"key":"age","type":"number"}`, status: 403},
			{name: "agent may not add categories", method: "POST", path: "/api/v1/closing-categories", as: "agent",
				body: `{"name":"Spam"}`, status: 403},
			{name: "manager may not see tokens", method: "GET", path: "/api/v1/tokens", as: "manager", status: 403},
			{name: "manager may not make tokens", method: "POST", path: "/api/v1/tokens", as: "manager", body: `{"name":"x"}`, status: 403},
			{name: "manager runs the workspace", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"name":"Mine"}`, status: 200, want: []string{`"name":"Mine"`}},
			{name: "agent may not change the workspace", method: "PATCH", path: "/api/v1/workspace", as: "agent",
				body: `{"name":"Theirs"}`, status: 403},
			{name: "agent reads the workspace", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"closing_notes_mode":"optional"`}},

			{name: "agent changes own name", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "agent",
				body: `{"name":"Ali","status":"busy"}`, status: 200, want: []string{`"name":"Ali"`, `"status":"busy"`}},
			{name: "agent may not promote self", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "agent",
				body: `{"role":"manager"}`, status: 403},
			{name: "agent may not change others", method: "PATCH", path: "/api/v1/users/{{manager}}", as: "agent",
				body: `{"name":"Bob"}`, status: 403},
			{name: "manager may not change roles", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "manager",
				body: `{"role":"manager"}`, status: 403},
			{name: "manager may not change an owner", method: "PATCH", path: "/api/v1/users/{{owner}}", as: "manager",
				body: `{"password":"takeover123"}`, status: 403},
			{name: "manager may not add an owner", method: "POST", path: "/api/v1/users", as: "manager",
				body: `{"email":"boss@acme.test","name":"Boss","role":"owner"}`, status: 403},
			{name: "manager renames an agent", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "manager",
				body: `{"name":"Alison"}`, status: 200, want: []string{`"name":"Alison"`, `"role":"agent"`}},
			{name: "owner promotes the agent", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "owner",
				body: `{"role":"manager"}`, status: 200, want: []string{`"role":"manager"`}},
			{name: "the promotion takes effect", method: "GET", path: "/api/v1/custom-fields", as: "agent", status: 200},
			{name: "the last owner stays", method: "PATCH", path: "/api/v1/users/{{owner}}", as: "owner",
				body: `{"role":"agent"}`, status: 409},

			{name: "another workspace cannot see ours", method: "GET", path: "/api/v1/users/{{agent}}", as: "stranger", status: 404},
			{name: "nor its channel", method: "GET", path: "/api/v1/channels/{{channel}}", as: "stranger", status: 404},
		})
	})
}

// TestLogin signs in, uses the session, and fails with a wrong password.
func TestLogin(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if _, err := f.wsSvc.CreateUser(context.Background(), f.ws.ID, workspace.NewUser{
			Email: "ana@acme.test", Name: "Ana", Role: workspace.RoleAgent, Password: "correct horse"}); err != nil {
			t.Fatal(err)
		}
		f.run(t, []scenario{
			{name: "wrong password", method: "POST", path: "/api/v1/auth/login", body: `{"email":"ana@acme.test","password":"wrong horse"}`,
				status: 401, want: []string{"wrong email or password"}},
			{name: "unknown email", method: "POST", path: "/api/v1/auth/login", body: `{"email":"nobody@acme.test","password":"wrong horse"}`,
				status: 401, want: []string{"wrong email or password"}},
			{name: "no password", method: "POST", path: "/api/v1/auth/login", body: `{"email":"ana@acme.test"}`, status: 422},
		})
		var s struct {
			Token string
			User  struct{ Email string }
		}
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/auth/login", body: `{"email":"ANA@acme.test","password":"correct horse"}`})
		if status != 200 || decode(body, &s) != nil || s.Token == "" || s.User.Email != "ana@acme.test" {
			t.Fatalf("login: %d %s", status, body)
		}
		f.tokens["ana"] = s.Token
		f.run(t, []scenario{
			{name: "the session works", method: "GET", path: "/api/v1/me", as: "ana", status: 200, want: []string{`"email":"ana@acme.test"`}},
		})
	})
}
