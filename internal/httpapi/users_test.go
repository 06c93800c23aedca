package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

// Deactivation: who may, what it refuses, and what it does — tokens
// refused at once, the user still listed with deactivated_at, their open
// conversation unassigned and queued again, and no assignment by hand.
// Reactivation lets them back.
func TestDeactivateEndpoints(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		conv := f.inbound(t, "+15550001", "Eve", "m1")
		f.vars["conv"] = itoa(conv.ConversationID)
		f.run(t, []scenario{
			{name: "assign the agent", method: "POST", path: "/api/v1/conversations/{{conv}}/assign", as: "manager",
				body: `{"user_id":{{agent}}}`, status: 200, want: []string{`"assignee_id":{{agent}}`}},
			{name: "an agent may not deactivate", method: "POST", path: "/api/v1/users/{{manager}}/deactivate", as: "agent", status: 403},
			{name: "a manager may not deactivate an owner", method: "POST", path: "/api/v1/users/{{owner}}/deactivate", as: "manager", status: 403},
			{name: "nobody deactivates themself", method: "POST", path: "/api/v1/users/{{manager}}/deactivate", as: "manager", status: 403},
			{name: "nor another workspace's user", method: "POST", path: "/api/v1/users/{{agent}}/deactivate", as: "stranger", status: 404},
			{name: "the last active owner stays", method: "POST", path: "/api/v1/users/{{owner}}/deactivate", as: "integration", status: 409,
				want: []string{"active owner"}},
			{name: "the manager deactivates the agent", method: "POST", path: "/api/v1/users/{{agent}}/deactivate", as: "manager", status: 200,
				want: []string{`"deactivated_at":`}},
			{name: "the agent's token is refused at once", method: "GET", path: "/api/v1/me", as: "agent", status: 401,
				want: []string{"deactivated"}},
			{name: "the agent is still listed", method: "GET", path: "/api/v1/users", as: "manager", status: 200,
				want: []string{`"deactivated_at":`}},
			{name: "their conversation was unassigned", method: "GET", path: "/api/v1/conversations/{{conv}}/events", as: "manager", status: 200,
				want: []string{`"type":"conversation.unassigned"`, "the agent was deactivated"}},
			{name: "and waits in the queue", method: "GET", path: "/api/v1/routing/queues", as: "manager", status: 200,
				want: []string{`"conversation_id":{{conv}}`}},
			{name: "nobody assigns them by hand", method: "POST", path: "/api/v1/conversations/{{conv}}/assign", as: "manager",
				body: `{"user_id":{{agent}}}`, status: 409, want: []string{"deactivated"}},
			{name: "nor through routing", method: "POST", path: "/api/v1/conversations/{{conv}}/route", as: "manager",
				body: `{"target":"user","user_id":{{agent}},"force":true}`, status: 409, want: []string{"deactivated"}},
			{name: "no token is made for them", method: "POST", path: "/api/v1/tokens", as: "owner",
				body: `{"name":"x","user_id":{{agent}}}`, status: 409},
			{name: "a manager may not reactivate an owner", method: "POST", path: "/api/v1/users/{{owner}}/reactivate", as: "manager", status: 403},
			{name: "reactivate", method: "POST", path: "/api/v1/users/{{agent}}/reactivate", as: "manager", status: 200,
				notWant: []string{`"deactivated_at"`}},
			{name: "the agent's API token works again", method: "GET", path: "/api/v1/me", as: "agent", status: 200},
		})
		var presence struct {
			Data []routing.Presence
		}
		f.get(t, "/api/v1/presence", "manager", &presence)
		for _, p := range presence.Data {
			if p.UserID == f.users["agent"].ID && (p.Availability != routing.Offline || p.Open != 0) {
				t.Fatalf("the deactivated agent's presence = %+v; want offline with nothing open", p)
			}
		}
	})
}

// Deleting a user: only without history (409 saying to deactivate
// otherwise), never oneself, never an owner by a manager.
func TestDeleteUserEndpoint(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		conv := f.inbound(t, "+15550002", "Eve", "m1")
		if _, err := f.conv.Get(context.Background(), access.System(f.ws.ID), conv.ConversationID); err != nil {
			t.Fatal(err)
		}
		f.vars["conv"] = itoa(conv.ConversationID)
		f.run(t, []scenario{
			{name: "add someone by mistake", method: "POST", path: "/api/v1/users", as: "manager",
				body: `{"email":"oops@acme.test","name":"Oops"}`, status: 201, capture: "oops"},
			{name: "an agent may not delete", method: "DELETE", path: "/api/v1/users/{{oops}}", as: "agent", status: 403},
			{name: "a manager may not delete an owner", method: "DELETE", path: "/api/v1/users/{{owner}}", as: "manager", status: 403},
			{name: "nobody deletes themself", method: "DELETE", path: "/api/v1/users/{{manager}}", as: "manager", status: 403},
			{name: "delete the mistake", method: "DELETE", path: "/api/v1/users/{{oops}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/users/{{oops}}", as: "manager", status: 404},
			{name: "the agent gets history", method: "POST", path: "/api/v1/conversations/{{conv}}/comments", as: "agent",
				body: `{"text":"on it"}`, status: 201},
			{name: "an agent with history is not deleted", method: "DELETE", path: "/api/v1/users/{{agent}}", as: "manager", status: 409,
				want: []string{"deactivate them instead"}},
		})
	})
}
