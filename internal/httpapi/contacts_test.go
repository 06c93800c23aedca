package httpapi_test

import (
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestContacts(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "define age", method: "POST", path: "/api/v1/custom-fields", as: "owner",
				body: `{"key":"age","type":"number"}`, status: 201},
			{name: "create", method: "POST", path: "/api/v1/contacts", as: "agent",
				body:   `{"first_name":" Ada ","last_name":"Lovelace","phone":"+44 20 7946 0958","fields":{"age":"36"},"tags":["vip"]}`,
				status: 201, capture: "ada",
				want: []string{`"first_name":"Ada"`, `"phone":"+442079460958"`, `"age":36`, `"tags":["vip"]`, `"lifecycle_stage":"New Lead"`}},
			{name: "get with identities", method: "GET", path: "/api/v1/contacts/{{ada}}", as: "agent", status: 200,
				want: []string{`"id":{{ada}}`, `"identities":[]`, `"last_name":"Lovelace"`}},
			{name: "patch", method: "PATCH", path: "/api/v1/contacts/{{ada}}", as: "agent",
				body: `{"email":"Ada@Example.com","fields":{"age":37}}`, status: 200,
				want: []string{`"email":"ada@example.com"`, `"age":37`, `"last_name":"Lovelace"`, `"phone":"+442079460958"`}},
			{name: "clear a field", method: "PATCH", path: "/api/v1/contacts/{{ada}}", as: "agent",
				body: `{"fields":{"age":null}}`, status: 200, want: []string{`"fields":{}`}},

			{name: "tag", method: "POST", path: "/api/v1/contacts/{{ada}}/tags", as: "agent", body: `{"tag":"newsletter"}`,
				status: 200, want: []string{`"tags":["newsletter","vip"]`}},
			{name: "tag again changes nothing", method: "POST", path: "/api/v1/contacts/{{ada}}/tags", as: "agent",
				body: `{"tag":"newsletter"}`, status: 200, want: []string{`"tags":["newsletter","vip"]`}},
			{name: "the new tag is defined", method: "GET", path: "/api/v1/tags", as: "agent", status: 200,
				want: []string{`"name":"newsletter"`, `"name":"vip"`, `"next_cursor":""`}},
			{name: "an empty tag", method: "POST", path: "/api/v1/contacts/{{ada}}/tags", as: "agent", body: `{"tag":" "}`,
				status: 422, want: []string{`"field":"tag"`}},
			{name: "untag", method: "DELETE", path: "/api/v1/contacts/{{ada}}/tags/vip", as: "agent", status: 200,
				want: []string{`"tags":["newsletter"]`}},
			{name: "untag what is not there", method: "DELETE", path: "/api/v1/contacts/{{ada}}/tags/vip", as: "agent", status: 200,
				want: []string{`"tags":["newsletter"]`}},
			{name: "a tag with a space", method: "POST", path: "/api/v1/contacts/{{ada}}/tags", as: "agent", body: `{"tag":"big spender"}`,
				status: 200},
			{name: "untag it by its escaped name", method: "DELETE", path: "/api/v1/contacts/{{ada}}/tags/big%20spender", as: "agent",
				status: 200, notWant: []string{"big spender"}},

			{name: "lifecycle", method: "PUT", path: "/api/v1/contacts/{{ada}}/lifecycle", as: "agent", body: `{"stage":"Customer"}`,
				status: 200, want: []string{`"lifecycle_stage":"Customer"`}},
			{name: "lifecycle needs a stage", method: "PUT", path: "/api/v1/contacts/{{ada}}/lifecycle", as: "agent", body: `{}`,
				status: 422, want: []string{`"field":"stage"`}},
			{name: "stages", method: "GET", path: "/api/v1/lifecycle-stages", as: "agent", status: 200,
				want: []string{`"name":"New Lead","position":0,"is_default":true`, `"name":"Cold Lead","position":4,"is_default":false,"is_lost":true`}},
			{name: "clear the stage", method: "PUT", path: "/api/v1/contacts/{{ada}}/lifecycle", as: "agent", body: `{"stage":""}`,
				status: 200, want: []string{`"lifecycle_stage":""`}},

			{name: "upsert by phone updates", method: "POST", path: "/api/v1/contacts/upsert", as: "integration",
				body: `{"phone":"+442079460958","country":"GB"}`, status: 200, want: []string{`"id":{{ada}}`, `"country":"GB"`}},
			{name: "upsert falls back to the email", method: "POST", path: "/api/v1/contacts/upsert", as: "integration",
				body: `{"phone":"+33142685300","email":"ada@example.com","language":"en"}`, status: 200,
				want: []string{`"id":{{ada}}`, `"phone":"+33142685300"`, `"language":"en"`}},
			{name: "upsert matches the phone before the email", method: "POST", path: "/api/v1/contacts/upsert", as: "integration",
				body: `{"phone":"+33142685300","email":"countess@example.com","last_name":"King"}`, status: 200,
				want: []string{`"id":{{ada}}`, `"email":"countess@example.com"`, `"last_name":"King"`}},
			{name: "upsert creates", method: "POST", path: "/api/v1/contacts/upsert", as: "integration",
				body: `{"first_name":"Grace","phone":"+12025550123"}`, status: 201, capture: "grace",
				want: []string{`"first_name":"Grace"`}},
			{name: "upsert needs something to match", method: "POST", path: "/api/v1/contacts/upsert", as: "integration",
				body: `{"first_name":"Nobody"}`, status: 422, want: []string{`"field":"phone"`}},
			{name: "upsert that would create needs a name", method: "POST", path: "/api/v1/contacts/upsert", as: "integration",
				body: `{"email":"new@example.com"}`, status: 422, want: []string{`"field":"first_name"`}},

			{name: "search", method: "GET", path: "/api/v1/contacts?search=grac", as: "agent", status: 200,
				want: []string{`"first_name":"Grace"`}, notWant: []string{`"first_name":"Ada"`}},
			{name: "filter by tag", method: "GET", path: "/api/v1/contacts?tag=newsletter", as: "agent", status: 200,
				want: []string{`"first_name":"Ada"`}, notWant: []string{`"first_name":"Grace"`}},
			{name: "first page", method: "GET", path: "/api/v1/contacts?limit=1", as: "agent", status: 200,
				want: []string{`"first_name":"Ada"`}, notWant: []string{"Grace", `"next_cursor":""`}, cursor: "afterAda"},
			{name: "next page", method: "GET", path: "/api/v1/contacts?limit=1&cursor={{afterAda}}", as: "agent", status: 200,
				want: []string{`"first_name":"Grace"`}, notWant: []string{`"first_name":"Ada"`}},
			{name: "other workspaces see none", method: "GET", path: "/api/v1/contacts", as: "stranger", status: 200,
				want: []string{`"data":[]`, `"next_cursor":""`}},

			{name: "no conversations yet", method: "GET", path: "/api/v1/contacts/{{ada}}/conversations", as: "agent", status: 200,
				want: []string{`"data":[]`}},
			{name: "conversations of an unknown contact", method: "GET", path: "/api/v1/contacts/999999/conversations", as: "agent",
				status: 404},
			{name: "agents may not delete", method: "DELETE", path: "/api/v1/contacts/{{grace}}", as: "agent", status: 403},
			{name: "managers may", method: "DELETE", path: "/api/v1/contacts/{{grace}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/contacts/{{grace}}", as: "agent", status: 404},
		})

		// A contact who wrote in has an identity and a conversation.
		r := f.inbound(t, "+14155550177", "Linus", "m-1")
		f.vars["linus"] = strconv.FormatInt(r.ContactID, 10)
		f.vars["linusConv"] = strconv.FormatInt(r.ConversationID, 10)
		f.run(t, []scenario{
			{name: "identities", method: "GET", path: "/api/v1/contacts/{{linus}}", as: "agent", status: 200,
				want: []string{`"identities":[{"id":`, `"channel_id":{{channel}},"external_id":"+14155550177"`}},
			{name: "the contact's conversations", method: "GET", path: "/api/v1/contacts/{{linus}}/conversations", as: "agent",
				status: 200, want: []string{`"id":{{linusConv}}`, `"status":"open"`, `"opened_source":"contact"`}},
			{name: "only open ones", method: "GET", path: "/api/v1/contacts/{{linus}}/conversations?status=closed", as: "agent",
				status: 200, want: []string{`"data":[]`}},
			{name: "delete with its conversation", method: "DELETE", path: "/api/v1/contacts/{{linus}}", as: "owner", status: 204},
			{name: "the conversation went with it", method: "GET", path: "/api/v1/conversations/{{linusConv}}", as: "agent", status: 404},
		})
	})
}
