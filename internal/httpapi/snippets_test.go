package httpapi_test

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestSnippets(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "no token", method: "GET", path: "/api/v1/snippets", status: 401},
			{name: "a manager adds one", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"hello","text":"Hello, how can I help?"}`, status: 201, capture: "hello",
				want: []string{`"name":"hello"`, `"text":"Hello, how can I help?"`, `"created_at"`, `"updated_at"`}},
			{name: "an owner adds one", method: "POST", path: "/api/v1/snippets", as: "owner",
				body: `{"name":"bye","text":"Goodbye!"}`, status: 201, capture: "bye"},
			{name: "an agent may not add", method: "POST", path: "/api/v1/snippets", as: "agent",
				body: `{"name":"mine","text":"x"}`, status: 403},
			{name: "an agent may not change", method: "PATCH", path: "/api/v1/snippets/{{hello}}", as: "agent",
				body: `{"text":"x"}`, status: 403},
			{name: "an agent may not delete", method: "DELETE", path: "/api/v1/snippets/{{hello}}", as: "agent", status: 403},
			{name: "the same name", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"hello","text":"again"}`, status: 409},
			{name: "a name with a capital", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"Hello","text":"x"}`, status: 422, want: []string{`"field":"name"`}},
			{name: "a name with a slash", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"/hi","text":"x"}`, status: 422, want: []string{`"field":"name"`}},
			{name: "a name too long", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"` + strings.Repeat("a", 51) + `","text":"x"}`, status: 422, want: []string{`"field":"name"`, "at most 50"}},
			{name: "no text", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"empty"}`, status: 422, want: []string{`"field":"text"`}},
			{name: "a text too long", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"long","text":"` + strings.Repeat("a", 10_001) + `"}`, status: 422, want: []string{`"field":"text"`}},
			{name: "an unknown member", method: "POST", path: "/api/v1/snippets", as: "manager",
				body: `{"name":"x","text":"x","shortcut":"y"}`, status: 400},
			{name: "an agent lists them", method: "GET", path: "/api/v1/snippets?limit=1", as: "agent", status: 200,
				want: []string{`"name":"bye"`}, notWant: []string{`"name":"hello"`}, cursor: "next"},
			{name: "the next page", method: "GET", path: "/api/v1/snippets?limit=1&cursor={{next}}", as: "agent", status: 200,
				want: []string{`"name":"hello"`, `"next_cursor":""`}},
			{name: "search by name", method: "GET", path: "/api/v1/snippets?q=he", as: "agent", status: 200,
				want: []string{`"name":"hello"`}, notWant: []string{`"name":"bye"`}},
			{name: "search by text", method: "GET", path: "/api/v1/snippets?q=good", as: "agent", status: 200,
				want: []string{`"name":"bye"`}, notWant: []string{`"name":"hello"`}},
			{name: "a search too long", method: "GET", path: "/api/v1/snippets?q=" + strings.Repeat("a", 201), as: "agent", status: 400},
			{name: "an agent reads one", method: "GET", path: "/api/v1/snippets/{{hello}}", as: "agent", status: 200,
				want: []string{`"name":"hello"`}},
			{name: "another workspace does not see it", method: "GET", path: "/api/v1/snippets/{{hello}}", as: "stranger", status: 404},
			{name: "nor lists it", method: "GET", path: "/api/v1/snippets", as: "stranger", status: 200,
				want: []string{`"data":[]`}},
			{name: "nor changes it", method: "PATCH", path: "/api/v1/snippets/{{hello}}", as: "stranger", body: `{"text":"x"}`, status: 404},
			{name: "a manager renames it", method: "PATCH", path: "/api/v1/snippets/{{hello}}", as: "manager",
				body: `{"name":"hi"}`, status: 200, want: []string{`"name":"hi"`, `"text":"Hello, how can I help?"`}},
			{name: "onto a taken name", method: "PATCH", path: "/api/v1/snippets/{{hello}}", as: "manager",
				body: `{"name":"bye"}`, status: 409},
			{name: "to a blank text", method: "PATCH", path: "/api/v1/snippets/{{hello}}", as: "manager",
				body: `{"text":" "}`, status: 422, want: []string{`"field":"text"`}},
			{name: "a manager deletes it", method: "DELETE", path: "/api/v1/snippets/{{hello}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/snippets/{{hello}}", as: "agent", status: 404},
		})
	})
}
