package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestRoutingAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.vars["first"] = itoa(f.inbound(t, "+14155550101", "Ana", "m-1").ConversationID)
		f.vars["second"] = itoa(f.inbound(t, "+14155550102", "Bo", "m-2").ConversationID)
		f.vars["third"] = itoa(f.inbound(t, "+14155550103", "Cy", "m-3").ConversationID)
		f.run(t, []scenario{
			{name: "a team", method: "POST", path: "/api/v1/teams", as: "manager",
				body: `{"name":"Support","member_ids":[{{agent}}]}`, status: 201, capture: "team"},
			{name: "heartbeat", method: "POST", path: "/api/v1/presence/heartbeat", as: "agent", body: `{"device_id":"web-1"}`,
				status: 200, want: []string{`"user_id":{{agent}}`, `"availability":"online"`, `"devices":1`}},
			{name: "heartbeat without a device", method: "POST", path: "/api/v1/presence/heartbeat", as: "agent", body: `{}`,
				status: 422, want: []string{`"field":"device_id"`}},
			{name: "a workspace token has no presence", method: "POST", path: "/api/v1/presence/heartbeat", as: "integration",
				body: `{"device_id":"x"}`, status: 403},
			{name: "agents do not set capacity", method: "PUT", path: "/api/v1/users/{{agent}}/capacity", as: "agent",
				body: `{"capacity":1}`, status: 403},
			{name: "a negative capacity", method: "PUT", path: "/api/v1/users/{{agent}}/capacity", as: "manager",
				body: `{"capacity":-2}`, status: 422, want: []string{`"field":"capacity"`}},
			{name: "capacity 1", method: "PUT", path: "/api/v1/users/{{agent}}/capacity", as: "manager",
				body: `{"capacity":1}`, status: 200, want: []string{`"capacity":1`, `"capacity_override":1`}},
			{name: "an unknown target", method: "POST", path: "/api/v1/conversations/{{first}}/route", as: "agent",
				body: `{"target":"everyone"}`, status: 422, want: []string{`"field":"target"`}},
			{name: "route to the team", method: "POST", path: "/api/v1/conversations/{{first}}/route", as: "agent",
				body: `{"target":"team","team_id":{{team}},"strategy":"least_open","only_online":true}`, status: 200,
				want: []string{`"assigned":true`, `"user_id":{{agent}}`, `"strategy":"least_open"`}},
			{name: "the reason is in the timeline", method: "GET", path: "/api/v1/conversations/{{first}}/events", as: "agent",
				status: 200, want: []string{`"type":"conversation.assigned"`, `"routing":{`, `least_open in team`}},
			{name: "the team is full: queued", method: "POST", path: "/api/v1/conversations/{{second}}/route", as: "agent",
				body: `{"target":"team","team_id":{{team}}}`, status: 200,
				want: []string{`"assigned":false`, `"queued":true`, `"position":1`, `at capacity (1/1 open)`}},
			{name: "the queue", method: "GET", path: "/api/v1/routing/queues", as: "agent", status: 200,
				want: []string{`"team_id":{{team}}`, `"length":1`, `"conversation_id":{{second}}`, `"position":1`, `"waiting_ms":`}},
			{name: "manual assignment above capacity", method: "POST", path: "/api/v1/conversations/{{third}}/assign", as: "manager",
				body: `{"user_id":{{agent}}}`, status: 409, want: []string{`at capacity`, `force`}},
			{name: "manual assignment forced", method: "POST", path: "/api/v1/conversations/{{third}}/assign", as: "manager",
				body: `{"user_id":{{agent}},"force":true}`, status: 200, want: []string{`"assignee_id":{{agent}}`}},
			{name: "by name above capacity", method: "POST", path: "/api/v1/conversations/{{second}}/route", as: "manager",
				body: `{"target":"user","user_id":{{agent}}}`, status: 409, want: []string{`at capacity`, `force`}},
			{name: "forced", method: "POST", path: "/api/v1/conversations/{{second}}/route", as: "manager",
				body: `{"target":"user","user_id":{{agent}},"force":true}`, status: 200,
				want: []string{`"assigned":true`, `"forced":true`, `forced above capacity (2/1 open)`}},
			{name: "the queue is empty", method: "GET", path: "/api/v1/routing/queues", as: "agent", status: 200,
				want: []string{`"data":[]`}},
			{name: "settings", method: "GET", path: "/api/v1/routing/settings", as: "agent", status: 200,
				want: []string{`"inactivity_timeout_minutes":5`, `"reassign_grace_minutes":-1`, `"default_strategy":"round_robin"`}},
			{name: "a timeout of 0", method: "PATCH", path: "/api/v1/routing/settings", as: "manager",
				body: `{"inactivity_timeout_minutes":0}`, status: 422, want: []string{`"field":"inactivity_timeout_minutes"`}},
			{name: "agents do not change settings", method: "PATCH", path: "/api/v1/routing/settings", as: "agent",
				body: `{"default_capacity":3}`, status: 403},
			{name: "change settings", method: "PATCH", path: "/api/v1/routing/settings", as: "manager",
				body: `{"inactivity_timeout_minutes":10,"default_capacity":3,"reassign_grace_minutes":2}`, status: 200,
				want: []string{`"inactivity_timeout_minutes":10`, `"default_capacity":3`, `"reassign_grace_minutes":2`}},
			{name: "busy", method: "PUT", path: "/api/v1/presence", as: "agent", body: `{"status":"busy"}`, status: 200,
				want: []string{`"status":"busy"`, `"availability":"busy"`}},
			{name: "online again through the users API", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "agent",
				body: `{"status":"online"}`, status: 200},
			{name: "availability followed", method: "GET", path: "/api/v1/presence", as: "agent", status: 200,
				want: []string{`"status":"online","availability":"online"`}},
			{name: "sign out", method: "POST", path: "/api/v1/presence/sign-out", as: "agent", body: `{"device_id":"web-1"}`,
				status: 200, want: []string{`"availability":"offline"`, `"devices":0`}},
			{name: "everyone's presence", method: "GET", path: "/api/v1/presence", as: "agent", status: 200,
				want: []string{`"user_id":{{agent}}`, `"open":3`}},
			{name: "presence events", method: "GET", path: "/api/v1/events?types=user.presence.updated", as: "agent", status: 200,
				want: []string{`"availability":"online"`, `"availability":"busy"`, `"availability":"offline"`, `"cause":"sign_out"`}},
			{name: "unassign", method: "POST", path: "/api/v1/conversations/{{second}}/route", as: "agent",
				body: `{"target":"unassign"}`, status: 200, want: []string{`"assigned":false`, `"summary":"unassigned"`}},
		})
	})
}
