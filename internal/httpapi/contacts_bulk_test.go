package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The bulk endpoint over HTTP: what it answers, what it refuses (with the
// error's JSON body) and that a refusal leaves the contacts as they were.
func TestContactsBulk(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "ada", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Ada","tags":["import"]}`, status: 201, capture: "ada"},
			{name: "bob", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Bob","tags":["import"]}`, status: 201, capture: "bob"},
			{name: "cy", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Cy"}`, status: 201, capture: "cy"},
			{name: "count by the list's filters", method: "GET", path: "/api/v1/contacts/count?tag=import", as: "agent", status: 200,
				want: []string{`{"count":2}`}},
			{name: "count refuses a bad filter", method: "GET", path: "/api/v1/contacts/count?channel_id=x", as: "agent", status: 400,
				want: []string{`"code":"bad_request"`, `channel_id`}},
			{name: "tag by filter", method: "POST", path: "/api/v1/contacts/bulk", as: "agent",
				body: `{"filter":{"tag":"import"},"action":{"type":"add_tag","tag":"vip"}}`, status: 200,
				want: []string{`{"matched":2,"changed":2}`}},
			{name: "stage by id", method: "POST", path: "/api/v1/contacts/bulk", as: "agent",
				body: `{"contact_ids":[{{ada}},{{cy}},999999],"action":{"type":"set_lifecycle","stage":"Customer"}}`, status: 200,
				want: []string{`{"matched":2,"changed":2,"missing":[999999]}`}},
			{name: "an unknown stage", method: "POST", path: "/api/v1/contacts/bulk", as: "agent",
				body: `{"contact_ids":[{{bob}}],"action":{"type":"set_lifecycle","stage":"Nope"}}`, status: 422,
				want: []string{`"code":"invalid"`, `"field":"lifecycle_stage"`}},
			{name: "an unknown action", method: "POST", path: "/api/v1/contacts/bulk", as: "agent",
				body: `{"filter":{},"action":{"type":"archive"}}`, status: 422, want: []string{`"field":"action.type"`}},
			{name: "no contacts named", method: "POST", path: "/api/v1/contacts/bulk", as: "agent",
				body: `{"action":{"type":"add_tag","tag":"x"}}`, status: 400, want: []string{`"code":"bad_request"`}},
			{name: "not JSON", method: "POST", path: "/api/v1/contacts/bulk", as: "agent", body: `{"filter":`, status: 400},
			{name: "agents may not delete", method: "POST", path: "/api/v1/contacts/bulk", as: "agent",
				body: `{"contact_ids":[{{bob}}],"action":{"type":"delete"}}`, status: 403},
			{name: "bob is as he was", method: "GET", path: "/api/v1/contacts/{{bob}}", as: "agent", status: 200,
				want: []string{`"lifecycle_stage":"New Lead"`, `"tags":["import","vip"]`}},
			{name: "another workspace reaches none", method: "POST", path: "/api/v1/contacts/bulk", as: "stranger",
				body: `{"filter":{},"action":{"type":"add_tag","tag":"x"}}`, status: 200, want: []string{`{"matched":0,"changed":0}`}},
			{name: "managers may delete", method: "POST", path: "/api/v1/contacts/bulk", as: "manager",
				body: `{"filter":{"tag":"vip"},"action":{"type":"delete"}}`, status: 200, want: []string{`{"matched":2,"changed":2}`}},
			{name: "one is left", method: "GET", path: "/api/v1/contacts/count", as: "agent", status: 200, want: []string{`{"count":1}`}},
		})
	})
}
