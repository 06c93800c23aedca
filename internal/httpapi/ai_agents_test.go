package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

func TestAIAgentsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *httpapi.Deps) {
			deps.AIAgents = aiagent.New(d, aiagent.Options{Knowledge: knowledge.New(d, knowledge.Options{}), Router: routing.New(d, routing.Options{})})
		})
		f.run(t, []scenario{
			{name: "none yet", method: "GET", path: "/api/v1/ai/agents", as: "manager", status: 200, want: []string{`"data":[]`}},
			{name: "agents may not list them", method: "GET", path: "/api/v1/ai/agents", as: "agent", status: 403},
			{name: "agents may not add one", method: "POST", path: "/api/v1/ai/agents", as: "agent", body: `{"name":"Sam"}`, status: 403},
			{name: "a name is required", method: "POST", path: "/api/v1/ai/agents", as: "manager", body: `{"tone":"warm"}`, status: 422,
				want: []string{`"field":"name"`}},
			{name: "an unknown action", method: "POST", path: "/api/v1/ai/agents", as: "manager", body: `{"name":"Sam","actions":["launch"]}`,
				status: 422, want: []string{`"field":"actions"`}},
			{name: "an unknown field", method: "POST", path: "/api/v1/ai/agents", as: "manager", body: `{"name":"Sam","colour":"red"}`, status: 400},
			{name: "a manager adds one", method: "POST", path: "/api/v1/ai/agents", as: "manager", capture: "sam",
				body:   `{"name":"Sam","instructions":"Answer shipping questions.","tone":"warm","actions":["reply","tags"],"source_ids":[0],"max_turns":3}`,
				status: 201, want: []string{`"name":"Sam"`, `"actions":["reply","tags"]`, `"source_ids":[0]`, `"max_turns":3`, `"enabled":true`}},
			{name: "it is a member of kind ai_agent", method: "GET", path: "/api/v1/users/{{sam}}", as: "agent", status: 200,
				want: []string{`"kind":"ai_agent"`, `"email":""`}},
			{name: "people are human", method: "GET", path: "/api/v1/users/{{agent}}", as: "agent", status: 200, want: []string{`"kind":"human"`}},
			{name: "change it", method: "PATCH", path: "/api/v1/ai/agents/{{sam}}", as: "owner", body: `{"enabled":false,"all_sources":true}`,
				status: 200, want: []string{`"enabled":false`, `"source_ids":null`, `"tone":"warm"`}},
			{name: "a bad hand-over team", method: "PATCH", path: "/api/v1/ai/agents/{{sam}}", as: "owner", body: `{"handover_team_id":999}`,
				status: 422, want: []string{`"field":"handover_team_id"`}},
			{name: "its run history", method: "GET", path: "/api/v1/ai/agents/{{sam}}/turns", as: "manager", status: 200, want: []string{`"data":[]`}},
			{name: "a bad limit", method: "GET", path: "/api/v1/ai/agents/{{sam}}/turns?limit=500", as: "manager", status: 400},
			{name: "a person is not an AI agent", method: "GET", path: "/api/v1/ai/agents/{{agent}}", as: "manager", status: 404},
			{name: "delete it", method: "DELETE", path: "/api/v1/ai/agents/{{sam}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/ai/agents/{{sam}}", as: "manager", status: 404},
		})
	})
}
