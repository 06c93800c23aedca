package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The message search over HTTP: hits with their contact and snippet, the
// list's filters, another workspace's caller finding nothing, and what
// cannot be searched refused.
func TestSearchMessagesOverHTTP(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		g := f.searchIndex(t)
		r := f.inbound(t, "+14155550300", "Nadia", "search-1")
		f.vars["conv"] = itoa(r.ConversationID)
		f.vars["msg"] = itoa(r.MessageID)
		backgroundtest.WaitIdle(t, g)
		f.run(t, []scenario{
			{name: "found by a word's start", method: "GET", path: "/api/v1/messages/search?q=HEL", as: "agent", status: 200,
				want: []string{`"message":{"id":{{msg}}`, `"conversation_id":{{conv}}`, `"contact_name":"Nadia"`, `"conversation_status":"open"`,
					`"snippet":[{"text":"hello","match":true}]`}},
			{name: "the list's filters", method: "GET", path: "/api/v1/messages/search?q=hello&status=closed", as: "agent", status: 200,
				want: []string{`"data":[]`}},
			{name: "another workspace's caller", method: "GET", path: "/api/v1/messages/search?q=hello", as: "stranger", status: 200,
				want: []string{`"data":[]`}},
			{name: "signed out", method: "GET", path: "/api/v1/messages/search?q=hello", status: 401},
			{name: "no q", method: "GET", path: "/api/v1/messages/search", as: "agent", status: 400, want: []string{"q is required"}},
			{name: "no word", method: "GET", path: "/api/v1/messages/search?q=%3F%3F", as: "agent", status: 400},
			{name: "a bad filter", method: "GET", path: "/api/v1/messages/search?q=hello&team_id=x", as: "agent", status: 400},
			{name: "a cursor of another list", method: "GET", path: "/api/v1/messages/search?q=hello&cursor=abc", as: "agent", status: 400},
		})
	})
}

// The notes' search over HTTP: a manager's note found by an agent who
// may see its conversation, not by another workspace's caller; what
// cannot be searched refused.
func TestSearchCommentsOverHTTP(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		g := f.searchIndex(t)
		r := f.inbound(t, "+14155550301", "Nadia", "search-2")
		f.vars["conv"] = itoa(r.ConversationID)
		f.run(t, []scenario{
			{name: "assign the agent", method: "POST", path: "/api/v1/conversations/{{conv}}/assign", as: "manager",
				body: `{"user_id":` + itoa(f.users["agent"].ID) + `}`, status: 200},
			{name: "a note", method: "POST", path: "/api/v1/conversations/{{conv}}/comments", as: "manager",
				body: `{"text":"Refund approved by finance"}`, status: 201, capture: "note"},
		})
		backgroundtest.WaitIdle(t, g)
		f.run(t, []scenario{
			{name: "found by a word's start", method: "GET", path: "/api/v1/comments/search?q=FINAN", as: "agent", status: 200,
				want: []string{`"comment":{"id":{{note}}`, `"conversation_id":{{conv}}`, `"contact_name":"Nadia"`, `"conversation_status":"open"`,
					`"snippet":[{"text":"Refund approved by "},{"text":"finance","match":true}]`}},
			{name: "the list's filters", method: "GET", path: "/api/v1/comments/search?q=refund&status=closed", as: "agent", status: 200,
				want: []string{`"data":[]`}},
			{name: "another workspace's caller", method: "GET", path: "/api/v1/comments/search?q=refund", as: "stranger", status: 200,
				want: []string{`"data":[]`}},
			{name: "signed out", method: "GET", path: "/api/v1/comments/search?q=refund", status: 401},
			{name: "no q", method: "GET", path: "/api/v1/comments/search", as: "agent", status: 400, want: []string{"q is required"}},
			{name: "a cursor of another list", method: "GET", path: "/api/v1/comments/search?q=refund&cursor=abc", as: "agent", status: 400},
		})
	})
}

// searchIndex runs the search consumers on the fixture's store, as
// a node runs it, until the test ends; WaitIdle on the group returns once
// every commit so far is indexed.
func (f *fixture) searchIndex(t *testing.T) *background.Group {
	t.Helper()
	g := background.NewGroup(f.d.Clock())
	backgroundtest.Run(t, g, conversation.NewSearchConsumer(f.d, f.hub, g).Run)
	backgroundtest.Run(t, g, conversation.NewCommentSearchConsumer(f.d, f.hub, g).Run)
	return g
}
