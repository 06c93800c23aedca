package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestUsersAndTeams(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "add a user", method: "POST", path: "/api/v1/users", as: "manager",
				body: `{"email":"Bea@Acme.test","name":"Bea"}`, status: 201, capture: "bea",
				want: []string{`"email":"bea@acme.test"`, `"role":"agent"`, `"team_ids":[]`}, notWant: []string{"password"}},
			{name: "a bad email", method: "POST", path: "/api/v1/users", as: "manager", body: `{"email":"bea","name":"Bea"}`,
				status: 422, want: []string{`"field":"email"`}},
			{name: "a bad role", method: "POST", path: "/api/v1/users", as: "owner", body: `{"email":"x@acme.test","name":"X","role":"god"}`,
				status: 422, want: []string{`"field":"role"`}},
			{name: "users page 1", method: "GET", path: "/api/v1/users?limit=2", as: "agent", status: 200,
				want:    []string{`"email":"owner@acme.test"`, `"email":"manager@acme.test"`},
				notWant: []string{"agent@acme.test", "other.test", `"next_cursor":""`}, cursor: "afterManager"},
			{name: "users page 2", method: "GET", path: "/api/v1/users?limit=2&cursor={{afterManager}}", as: "agent", status: 200,
				want: []string{`"email":"agent@acme.test"`, `"email":"bea@acme.test"`, `"next_cursor":""`}},
			{name: "a user", method: "GET", path: "/api/v1/users/{{bea}}", as: "agent", status: 200, want: []string{`"name":"Bea"`}},

			{name: "a team", method: "POST", path: "/api/v1/teams", as: "manager",
				body: `{"name":"Sales","member_ids":[{{agent}},{{bea}},{{agent}}]}`, status: 201, capture: "sales",
				want: []string{`"name":"Sales"`, `"member_ids":[{{agent}},{{bea}}]`}},
			{name: "the same name", method: "POST", path: "/api/v1/teams", as: "manager", body: `{"name":"Sales"}`, status: 409},
			{name: "a nameless team", method: "POST", path: "/api/v1/teams", as: "manager", body: `{"name":""}`,
				status: 422, want: []string{`"field":"name"`}},
			{name: "a second team", method: "POST", path: "/api/v1/teams", as: "owner", body: `{"name":"Support"}`, status: 201, capture: "support"},
			{name: "rename into a clash", method: "PATCH", path: "/api/v1/teams/{{support}}", as: "manager", body: `{"name":"Sales"}`, status: 409},
			{name: "membership shows on the user", method: "GET", path: "/api/v1/users/{{bea}}", as: "agent", status: 200,
				want: []string{`"team_ids":[{{sales}}]`}},
			{name: "replace members", method: "PATCH", path: "/api/v1/teams/{{sales}}", as: "manager", body: `{"member_ids":[{{bea}}]}`,
				status: 200, want: []string{`"name":"Sales"`, `"member_ids":[{{bea}}]`}},
			{name: "rename keeps members", method: "PATCH", path: "/api/v1/teams/{{sales}}", as: "manager", body: `{"name":"Sales EU"}`,
				status: 200, want: []string{`"name":"Sales EU"`, `"member_ids":[{{bea}}]`}},
			{name: "a team's own calendar", method: "PATCH", path: "/api/v1/teams/{{sales}}", as: "manager",
				body: `{"business_hours":{"mon":[{"open":"20:00","close":"24:00"}]},"holidays":["2026-12-25"]}`, status: 200,
				want: []string{`"business_hours":{"mon":[{"open":"20:00","close":"24:00"}]}`, `"holidays":["2026-12-25"]`, `"name":"Sales EU"`}},
			{name: "a team calendar's bad hours", method: "PATCH", path: "/api/v1/teams/{{sales}}", as: "manager",
				body: `{"business_hours":{"mon":[{"open":"18:00","close":"09:00"}]}}`, status: 422, want: []string{`business_hours.mon[0].close`}},
			{name: "a team calendar's bad holiday", method: "PATCH", path: "/api/v1/teams/{{sales}}", as: "manager",
				body: `{"holidays":["25/12"]}`, status: 422, want: []string{`holidays[0]`}},
			{name: "agents read teams", method: "GET", path: "/api/v1/teams", as: "agent", status: 200,
				want: []string{`"name":"Sales EU"`, `"name":"Support"`}},
			{name: "agents may not delete teams", method: "DELETE", path: "/api/v1/teams/{{sales}}", as: "agent", status: 403},
			{name: "delete a team", method: "DELETE", path: "/api/v1/teams/{{sales}}", as: "manager", status: 204},
			{name: "it is gone", method: "GET", path: "/api/v1/teams/{{sales}}", as: "agent", status: 404},
			{name: "its members stay", method: "GET", path: "/api/v1/users/{{bea}}", as: "agent", status: 200,
				want: []string{`"team_ids":[]`}},
		})
	})
}

func TestChannelsAndSettings(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.vars["token"] = f.ch.Token
		f.vars["hint"] = f.ch.Token[len(f.ch.Token)-4:]
		f.run(t, []scenario{
			// The token was shown once, when the channel was made; after
			// that nobody sees more than its last four characters.
			{name: "managers see a hint of the token", method: "GET", path: "/api/v1/channels/{{channel}}", as: "manager", status: 200,
				want: []string{`"secrets":{"token":"…{{hint}}"}`, `"base_url":"http://127.0.0.1:1"`}, notWant: []string{"{{token}}", `"token":"{{`}},
			{name: "agents too", method: "GET", path: "/api/v1/channels/{{channel}}", as: "agent", status: 200,
				want: []string{`"name":"site"`}, notWant: []string{"{{token}}"}},
			{name: "nor in the list", method: "GET", path: "/api/v1/channels", as: "owner", status: 200,
				want: []string{`"name":"site"`}, notWant: []string{"{{token}}"}},
			{name: "connect a channel", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"app","config":{"base_url":"https://hooks.example.com/sb/"}}`, status: 201, capture: "app",
				want: []string{`"token":"`, `"base_url":"https://hooks.example.com/sb"`}},
			{name: "an unknown type", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"pigeon","name":"coo"}`, status: 422, want: []string{`"field":"type"`}},
			{name: "rename it", method: "PATCH", path: "/api/v1/channels/{{app}}", as: "manager", body: `{"name":"mobile app"}`,
				status: 200, want: []string{`"name":"mobile app"`, `"base_url":"https://hooks.example.com/sb"`}},
			{name: "agents may not", method: "PATCH", path: "/api/v1/channels/{{app}}", as: "agent", body: `{"name":"x"}`, status: 403},
			{name: "an unknown channel", method: "PATCH", path: "/api/v1/channels/999999", as: "manager", body: `{"name":"x"}`, status: 404},

			{name: "fields start empty", method: "GET", path: "/api/v1/custom-fields", as: "agent", status: 200, want: []string{`"data":[]`}},
			{name: "a list field", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"plan","name":"Plan","type":"list","options":["free","pro"]}`, status: 201, capture: "plan",
				want: []string{`"options":["free","pro"]`}},
			{name: "a list needs options", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"tier","type":"list"}`, status: 422, want: []string{`"field":"options"`}},
			{name: "no shadowing", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"email","type":"email"}`, status: 422, want: []string{`"field":"key"`}},
			{name: "a contact with a plan", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Ada","fields":{"plan":"pro"}}`, status: 201, capture: "ada"},
			{name: "delete the field", method: "DELETE", path: "/api/v1/custom-fields/{{plan}}", as: "manager", status: 204},
			{name: "the value went with it", method: "GET", path: "/api/v1/contacts/{{ada}}", as: "agent", status: 200,
				want: []string{`"fields":{}`}},

			{name: "a tag", method: "POST", path: "/api/v1/tags", as: "agent", body: `{"name":"vip","color":"#ff0000"}`,
				status: 201, capture: "vip", want: []string{`"color":"#ff0000"`}},
			{name: "the same tag", method: "POST", path: "/api/v1/tags", as: "agent", body: `{"name":"vip"}`, status: 409},
			{name: "tag the contact", method: "POST", path: "/api/v1/contacts/{{ada}}/tags", as: "agent", body: `{"tag":"vip"}`, status: 200},
			{name: "agents may not delete tags", method: "DELETE", path: "/api/v1/tags/{{vip}}", as: "agent", status: 403},
			{name: "delete the tag", method: "DELETE", path: "/api/v1/tags/{{vip}}", as: "manager", status: 204},
			{name: "the contact lost it", method: "GET", path: "/api/v1/contacts/{{ada}}", as: "agent", status: 200,
				want: []string{`"tags":[]`}},

			{name: "a category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Resolved"}`,
				status: 201, capture: "resolved"},
			{name: "the same category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Resolved"}`, status: 409},
			{name: "a blank category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":" "}`,
				status: 422, want: []string{`"field":"name"`}},
			{name: "agents read categories", method: "GET", path: "/api/v1/closing-categories", as: "agent", status: 200,
				want: []string{`"name":"Resolved"`}},
			{name: "delete the category", method: "DELETE", path: "/api/v1/closing-categories/{{resolved}}", as: "manager", status: 204},
			{name: "delete it again", method: "DELETE", path: "/api/v1/closing-categories/{{resolved}}", as: "manager", status: 404},

			{name: "settings", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"name":"Acme Ltd","timezone":"Europe/Paris","closing_notes_mode":"both_required"}`, status: 200,
				want: []string{`"name":"Acme Ltd"`, `"timezone":"Europe/Paris"`, `"closing_notes_mode":"both_required"`}},
			{name: "read back", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"name":"Acme Ltd"`, `"timezone":"Europe/Paris"`}},
			{name: "the integration is an owner", method: "PATCH", path: "/api/v1/workspace", as: "integration",
				body: `{"closing_notes_mode":"optional"}`, status: 200, want: []string{`"name":"Acme Ltd"`, `"closing_notes_mode":"optional"`}},
			{name: "auto-close", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_minutes":1440,"auto_close_contact_only":true}`, status: 200,
				want: []string{`"auto_close_minutes":1440`, `"auto_close_contact_only":true`, `"name":"Acme Ltd"`}},
			{name: "auto-close read back", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"auto_close_minutes":1440`, `"auto_close_contact_only":true`}},
			{name: "auto-close off", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_minutes":0}`, status: 200, want: []string{`"auto_close_minutes":0`, `"auto_close_contact_only":true`,
					`"auto_close_mode":"inactivity"`}},
			{name: "auto-close awaiting the contact", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_minutes":60,"auto_close_mode":"awaiting_contact"}`, status: 200,
				want: []string{`"auto_close_minutes":60`, `"auto_close_mode":"awaiting_contact"`, `"auto_close_contact_only":true`}},
			{name: "auto-close mode read back", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"auto_close_mode":"awaiting_contact"`}},
			{name: "an unknown auto-close mode", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_mode":"never"}`, status: 422,
				want: []string{`{"error":{"code":"invalid","message":`, `"field":"auto_close_mode"`}},
			{name: "the mode is unchanged", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"auto_close_mode":"awaiting_contact"`}},
			{name: "agents may not change it", method: "PATCH", path: "/api/v1/workspace", as: "agent",
				body: `{"auto_close_mode":"inactivity"}`, status: 403},
		})
	})
}

func TestTokens(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var created struct {
			ID     int64
			Secret string
			Prefix string
		}
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/tokens", as: "owner",
			body: `{"name":"zapier","user_id":` + f.vars["agent"] + `}`})
		if status != 201 || decode(body, &created) != nil || created.Secret == "" || created.Secret[:10] != created.Prefix {
			t.Fatalf("create token: %d %s", status, body)
		}
		f.tokens["zapier"] = created.Secret
		f.vars["zapier"] = itoa(created.ID)
		f.vars["secret"] = created.Secret
		f.run(t, []scenario{
			{name: "the token acts as its user", method: "GET", path: "/api/v1/me", as: "zapier", status: 200,
				want: []string{`"role":"agent"`, `"email":"agent@acme.test"`}},
			{name: "the list never shows secrets", method: "GET", path: "/api/v1/tokens", as: "owner", status: 200,
				want: []string{`"name":"zapier"`, `"user_id":{{agent}}`}, notWant: []string{"{{secret}}", `"secret"`}},
			{name: "a nameless token", method: "POST", path: "/api/v1/tokens", as: "owner", body: `{"name":""}`,
				status: 422, want: []string{`"field":"name"`}},
			{name: "a negative lifetime", method: "POST", path: "/api/v1/tokens", as: "owner", body: `{"name":"x","expires_in":-1}`,
				status: 422, want: []string{`"field":"expires_in"`}},
			{name: "a workspace token that expires", method: "POST", path: "/api/v1/tokens", as: "integration",
				body: `{"name":"temp","expires_in":3600}`, status: 201, want: []string{`"expires_at":"`, `"secret":"sb_`}},
			{name: "another workspace cannot revoke ours", method: "DELETE", path: "/api/v1/tokens/{{zapier}}", as: "stranger", status: 404},
			{name: "revoke", method: "DELETE", path: "/api/v1/tokens/{{zapier}}", as: "owner", status: 204},
			{name: "the token stops working", method: "GET", path: "/api/v1/me", as: "zapier", status: 401},
		})
	})
}
