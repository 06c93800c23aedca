package httpapi_test

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// TestBadInput sends every class of bad input; the harness checks that
// each refusal left every table as it was.
func TestBadInput(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		tooBig := `{"first_name":"` + strings.Repeat("a", httpjson.MaxBodyBytes) + `"}`
		f.run(t, []scenario{
			// Setup: things to collide with.
			{name: "define age", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"age","name":"Age","type":"number"}`, status: 201, capture: "age"},
			{name: "define plan", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"plan","type":"list","options":["free","pro"]}`, status: 201},
			{name: "a contact", method: "POST", path: "/api/v1/contacts", as: "agent",
				body:   `{"first_name":"Ada","phone":"+14155550100","email":"ada@example.com","fields":{"age":36}}`,
				status: 201, capture: "ada", want: []string{`"age":36`}},

			{name: "malformed JSON", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Eve",`,
				status: 400, want: []string{`"code":"bad_request"`}},
			{name: "JSON of the wrong type", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":42}`, status: 400},
			{name: "trailing data", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Eve"} {}`, status: 400},
			{name: "malformed JSON on a patch", method: "PATCH", path: "/api/v1/contacts/{{ada}}", as: "agent", body: `[`, status: 400},
			{name: "no body", method: "POST", path: "/api/v1/tags", as: "agent", status: 400},
			{name: "body over 1 MiB", method: "POST", path: "/api/v1/contacts", as: "agent", body: tooBig,
				status: 413, want: []string{`"code":"too_large"`}},

			{name: "abc for a number field", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Eve","fields":{"age":"abc"}}`, status: 422,
				want: []string{`"code":"invalid"`, `"field":"fields.age"`}},
			{name: "abc for a number field on update", method: "PATCH", path: "/api/v1/contacts/{{ada}}", as: "agent",
				body: `{"first_name":"Ada B.","fields":{"age":"abc"}}`, status: 422, want: []string{`"field":"fields.age"`}},
			{name: "a value not in the list", method: "PATCH", path: "/api/v1/contacts/{{ada}}", as: "agent",
				body: `{"fields":{"plan":"gold"}}`, status: 422, want: []string{`"field":"fields.plan"`}},
			{name: "an unknown field", method: "PATCH", path: "/api/v1/contacts/{{ada}}", as: "agent",
				body: `{"fields":{"shoe_size":44}}`, status: 422, want: []string{`"field":"fields.shoe_size"`}},
			{name: "a bad phone", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Eve","phone":"12"}`, status: 422, want: []string{`"field":"phone"`}},
			{name: "no first name", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"last_name":"X"}`,
				status: 422, want: []string{`"field":"first_name"`}},
			{name: "an unknown stage", method: "PUT", path: "/api/v1/contacts/{{ada}}/lifecycle", as: "agent",
				body: `{"stage":"Astronaut"}`, status: 422, want: []string{`"field":"stage"`}},
			{name: "a bad field type", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"shoe","type":"shoe"}`, status: 422, want: []string{`"field":"type"`}},
			{name: "a bad closing-notes mode", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"closing_notes_mode":"always"}`, status: 422, want: []string{`"field":"closing_notes_mode"`}},
			{name: "auto-close under 30 minutes", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_minutes":29}`, status: 422, want: []string{`"field":"auto_close_minutes"`}},
			{name: "auto-close over 14 days", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_minutes":20161}`, status: 422, want: []string{`"field":"auto_close_minutes"`}},
			{name: "an unknown auto-close mode", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"auto_close_mode":""}`, status: 422, want: []string{`"field":"auto_close_mode"`}},
			{name: "a bad time zone", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"timezone":"Mars/Olympus"}`, status: 422, want: []string{`"field":"timezone"`}},
			{name: "a channel without base URL", method: "POST", path: "/api/v1/channels", as: "manager",
				body: `{"type":"custom","name":"x","config":{}}`, status: 422, want: []string{`"field":"config.base_url"`}},
			{name: "a team member from nowhere", method: "POST", path: "/api/v1/teams", as: "manager",
				body: `{"name":"Sales","member_ids":[999999]}`, status: 422, want: []string{`"field":"member_ids"`}},
			{name: "a token for another workspace's user", method: "POST", path: "/api/v1/tokens", as: "owner",
				body: `{"name":"x","user_id":999999}`, status: 422, want: []string{`"field":"user_id"`}},

			{name: "an unknown contact", method: "GET", path: "/api/v1/contacts/999999", as: "agent", status: 404,
				want: []string{`"code":"not_found"`}},
			{name: "a malformed contact id", method: "GET", path: "/api/v1/contacts/abc", as: "agent", status: 404},
			{name: "a negative contact id", method: "PATCH", path: "/api/v1/contacts/-1", as: "agent", body: `{}`, status: 404},
			{name: "patch an unknown contact", method: "PATCH", path: "/api/v1/contacts/999999", as: "agent",
				body: `{"first_name":"X"}`, status: 404},
			{name: "delete an unknown contact", method: "DELETE", path: "/api/v1/contacts/999999", as: "manager", status: 404},
			{name: "tag an unknown contact", method: "POST", path: "/api/v1/contacts/999999/tags", as: "agent",
				body: `{"tag":"vip"}`, status: 404},
			{name: "delete an unknown team", method: "DELETE", path: "/api/v1/teams/999999", as: "manager", status: 404},
			{name: "delete an unknown tag", method: "DELETE", path: "/api/v1/tags/999999", as: "manager", status: 404},
			{name: "delete an unknown token", method: "DELETE", path: "/api/v1/tokens/999999", as: "owner", status: 404},
			{name: "an unknown route", method: "GET", path: "/api/v1/nothing", as: "agent", status: 404},
			{name: "another workspace's contact", method: "GET", path: "/api/v1/contacts/{{ada}}", as: "stranger", status: 404},
			{name: "delete another workspace's contact", method: "DELETE", path: "/api/v1/contacts/{{ada}}", as: "stranger", status: 404},

			{name: "a duplicate phone", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Eve","phone":"+1 (415) 555-0100"}`, status: 409, want: []string{`"code":"conflict"`}},
			{name: "a duplicate email", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Eve","email":"ADA@example.com"}`, status: 409},
			{name: "a duplicate field key", method: "POST", path: "/api/v1/custom-fields", as: "manager",
				body: `{"key":"age","type":"text"}`, status: 409},
			{name: "a duplicate user email", method: "POST", path: "/api/v1/users", as: "manager",
				body: `{"email":"agent@acme.test","name":"Again"}`, status: 409},

			{name: "a malformed limit", method: "GET", path: "/api/v1/contacts?limit=abc", as: "agent", status: 400},
			{name: "a limit out of range", method: "GET", path: "/api/v1/contacts?limit=1000", as: "agent", status: 400},
			{name: "a malformed cursor", method: "GET", path: "/api/v1/contacts?cursor=x1", as: "agent", status: 400},
			{name: "a negative cursor", method: "GET", path: "/api/v1/users?cursor=-5", as: "agent", status: 400},
			{name: "a malformed after", method: "GET", path: "/api/v1/events?after=abc", as: "agent", status: 400},
			{name: "an unknown event type", method: "GET", path: "/api/v1/events?types=contact.exploded", as: "agent", status: 400},
			{name: "a malformed conversation filter", method: "GET", path: "/api/v1/conversations?status=maybe", as: "agent", status: 400},
		})
	})
}
