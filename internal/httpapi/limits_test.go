package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// js quotes s as a JSON string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// chars returns n characters of two bytes each: limits count characters,
// so a value at its limit is accepted although its bytes are twice over.
func chars(n int) string { return strings.Repeat("é", n) }

// limitScenarios has, for every text field of the API, a value at its
// maximum (accepted) and one past it (422 naming the field), and the
// numbers whose column PostgreSQL keeps in 32 bits.
func limitScenarios() []scenario {
	ids := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = "{{agent}}"
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	tags := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = js("t" + itoa(int64(i)))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	wf := func(name, desc, stepName string) string {
		return `{"name":` + js(name) + `,"description":` + js(desc) + `,"trigger":{"type":"manual"},` +
			`"steps":[{"id":"a","name":` + js(stepName) + `,"type":"wait","settings":{"seconds":60}}]}`
	}
	bad := func(name, method, path, as, body, field string) scenario {
		return scenario{name: name, method: method, path: path, as: as, body: body, status: 422,
			want: []string{`"field":"` + field + `"`}}
	}
	ok := func(name, method, path, as, body string, status int) scenario {
		return scenario{name: name, method: method, path: path, as: as, body: body, status: status}
	}
	email := func(n int) string { return strings.Repeat("a", n-len("@example.com")) + "@example.com" }
	return []scenario{
		// Contacts.
		ok("first name of 200", "POST", "/api/v1/contacts", "agent", `{"first_name":`+js(chars(200))+`}`, 201),
		bad("first name of 201", "POST", "/api/v1/contacts", "agent", `{"first_name":`+js(chars(201))+`}`, "first_name"),
		bad("a name of 900,000", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"last_name":`+js(strings.Repeat("x", 900_000))+`}`, "last_name"),
		bad("email of 255", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"email":`+js(email(255))+`}`, "email"),
		bad("phone of 51", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"phone":`+js("+1"+strings.Repeat(" ", 49))+`}`, "phone"),
		bad("language of 51", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"language":`+js(chars(51))+`}`, "language"),
		bad("country of 101", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"country":`+js(chars(101))+`}`, "country"),
		bad("avatar URL of 2049", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"avatar_url":`+js("https://x/"+strings.Repeat("a", 2039))+`}`, "avatar_url"),
		bad("101 tags at once", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"tags":`+tags(101)+`}`, "tags"),
		bad("a tag of 101", "POST", "/api/v1/contacts/{{ana}}/tags", "agent", `{"tag":`+js(chars(101))+`}`, "tag"),
		bad("NUL in a tag of the path", "DELETE", "/api/v1/contacts/{{ana}}/tags/a%00b", "agent", "", "tag"),
		bad("a tag of 101 in the path", "DELETE", "/api/v1/contacts/{{ana}}/tags/"+strings.Repeat("t", 101), "agent", "", "tag"),
		bad("a stage name of 201", "PUT", "/api/v1/contacts/{{ana}}/lifecycle", "agent", `{"stage":`+js(chars(201))+`}`, "stage"),
		ok("a note field", "POST", "/api/v1/custom-fields", "manager", `{"key":"note","type":"text"}`, 201),
		ok("a site field", "POST", "/api/v1/custom-fields", "manager", `{"key":"site","type":"url"}`, 201),
		ok("a note of 5000", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"fields":{"note":`+js(chars(5000))+`}}`, 200),
		bad("a note of 5001", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"fields":{"note":`+js(chars(5001))+`}}`, "fields.note"),
		bad("a site of 2049", "PATCH", "/api/v1/contacts/{{ana}}", "agent", `{"fields":{"site":`+js("https://x/"+strings.Repeat("a", 2039))+`}}`, "fields.site"),
		bad("a field name of 201", "POST", "/api/v1/custom-fields", "manager", `{"key":"k1","name":`+js(chars(201))+`,"type":"text"}`, "name"),
		bad("101 options", "POST", "/api/v1/custom-fields", "manager", `{"key":"k2","type":"list","options":`+tags(101)+`}`, "options"),
		bad("an option of 201", "POST", "/api/v1/custom-fields", "manager", `{"key":"k3","type":"list","options":["a",`+js(chars(201))+`]}`, "options[1]"),
		ok("a tag of 100", "POST", "/api/v1/tags", "agent", `{"name":`+js(chars(100))+`}`, 201),
		bad("a tag name of 101", "POST", "/api/v1/tags", "agent", `{"name":`+js(chars(101))+`}`, "name"),
		bad("a tag color of 51", "POST", "/api/v1/tags", "agent", `{"name":"c","color":`+js(chars(51))+`}`, "color"),

		// Conversations.
		ok("a message of 10,000", "POST", "/api/v1/conversations/{{conv}}/messages", "agent", `{"text":`+js(chars(10_000))+`}`, 202),
		bad("a message of 10,001", "POST", "/api/v1/conversations/{{conv}}/messages", "agent", `{"text":`+js(chars(10_001))+`}`, "text"),
		bad("a message type of 51", "POST", "/api/v1/conversations/{{conv}}/messages", "agent", `{"type":`+js(chars(51))+`,"text":"x"}`, "type"),
		bad("content over 64 KiB", "POST", "/api/v1/conversations/{{conv}}/messages", "agent",
			`{"type":"card","text":"x","content":{"p":`+js(strings.Repeat("x", 65_536))+`}}`, "content"),
		ok("a comment of 10,000", "POST", "/api/v1/conversations/{{conv}}/comments", "agent", `{"text":`+js(chars(10_000))+`}`, 201),
		bad("a comment of 10,001", "POST", "/api/v1/conversations/{{conv}}/comments", "agent", `{"text":`+js(chars(10_001))+`}`, "text"),
		bad("51 mentions", "POST", "/api/v1/conversations/{{conv}}/comments", "agent", `{"text":"hi","mentions":`+ids(51)+`}`, "mentions"),
		bad("a category name of 101", "POST", "/api/v1/closing-categories", "manager", `{"name":`+js(chars(101))+`}`, "name"),
		bad("a close category of 101", "POST", "/api/v1/conversations/{{conv}}/close", "agent", `{"category":`+js(chars(101))+`}`, "category"),
		bad("a summary of 10,001", "POST", "/api/v1/conversations/{{conv}}/close", "agent", `{"summary":`+js(chars(10_001))+`}`, "summary"),

		// People and settings.
		bad("a user name of 201", "POST", "/api/v1/users", "manager", `{"email":"new@acme.test","name":`+js(chars(201))+`}`, "name"),
		bad("a user email of 255", "POST", "/api/v1/users", "manager", `{"email":`+js(email(255))+`,"name":"N"}`, "email"),
		bad("a user renamed to 201", "PATCH", "/api/v1/users/{{agent}}", "agent", `{"name":`+js(chars(201))+`}`, "name"),
		bad("a team name of 201", "POST", "/api/v1/teams", "manager", `{"name":`+js(chars(201))+`}`, "name"),
		bad("a team of 1001 members", "POST", "/api/v1/teams", "manager", `{"name":"Big","member_ids":`+ids(1001)+`}`, "member_ids"),
		bad("a team renamed to 201", "PATCH", "/api/v1/teams/{{team}}", "manager", `{"name":`+js(chars(201))+`}`, "name"),
		bad("a workspace name of 201", "PATCH", "/api/v1/workspace", "owner", `{"name":`+js(chars(201))+`}`, "name"),
		bad("a time zone of 101", "PATCH", "/api/v1/workspace", "owner", `{"timezone":`+js(chars(101))+`}`, "timezone"),
		bad("a token name of 201", "POST", "/api/v1/tokens", "owner", `{"name":`+js(chars(201))+`}`, "name"),
		bad("a channel name of 201", "POST", "/api/v1/channels", "manager",
			`{"type":"custom","name":`+js(chars(201))+`,"config":{"base_url":"https://x"}}`, "name"),
		bad("a base URL of 2049", "PATCH", "/api/v1/channels/{{channel}}", "manager",
			`{"config":{"base_url":`+js("https://x/"+strings.Repeat("a", 2039))+`}}`, "config.base_url"),
		bad("a misspelt config member", "PATCH", "/api/v1/channels/{{channel}}", "manager", `{"config":{"base_ur":"https://x"}}`, "config"),

		// Workflows (their problems name the field).
		ok("a workflow at every maximum", "POST", "/api/v1/workflows", "manager", wf(chars(200), chars(4096), chars(200)), 201),
		bad("a workflow name of 201", "POST", "/api/v1/workflows", "manager", wf(chars(201), "", ""), "name"),
		bad("a description of 4097", "POST", "/api/v1/workflows", "manager", wf("w", chars(4097), ""), "description"),
		bad("a step name of 201", "POST", "/api/v1/workflows", "manager", wf("w", "", chars(201)), "name"),

		// Routing numbers (32-bit columns on PostgreSQL) and devices.
		bad("a capacity of 3,000,000,000", "PUT", "/api/v1/users/{{agent}}/capacity", "manager", `{"capacity":3000000000}`, "capacity"),
		bad("a capacity of 10,001", "PUT", "/api/v1/users/{{agent}}/capacity", "manager", `{"capacity":10001}`, "capacity"),
		bad("a default capacity of 3,000,000,000", "PATCH", "/api/v1/routing/settings", "manager", `{"default_capacity":3000000000}`, "default_capacity"),
		bad("a priority of 3,000,000,000", "POST", "/api/v1/conversations/{{conv}}/route", "agent", `{"target":"workspace","priority":3000000000}`, "priority"),
		bad("a max_open of 3,000,000,000", "POST", "/api/v1/conversations/{{conv}}/route", "agent", `{"target":"workspace","max_open":3000000000}`, "max_open"),
		bad("a device id of 201", "POST", "/api/v1/presence/heartbeat", "agent", `{"device_id":`+js(chars(201))+`}`, "device_id"),
	}
}

// TestLimits sends every limit's scenarios to each store, each with the
// status it must answer, so both stores answer alike: a value past a
// maximum is a 422 naming its field (SQLite would store it, PostgreSQL
// might answer 500), a value at the maximum is accepted though its bytes
// are over.
func TestLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550101", "Ana", "m-1")
		f.vars["conv"], f.vars["ana"] = itoa(r.ConversationID), itoa(r.ContactID)
		f.run(t, []scenario{{name: "a team", method: "POST", path: "/api/v1/teams", as: "manager", body: `{"name":"Sales"}`,
			status: 201, capture: "team"}})
		f.run(t, limitScenarios())
	})
}
