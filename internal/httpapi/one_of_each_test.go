package httpapi_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

// oneOfEach is a thing of every kind the API makes, for the tests that
// sweep every route the OpenAPI document lists: where it is made, the
// path parameter its id fills, its body and the status that makes it.
var oneOfEach = []struct {
	path, capture, body string
	status              int
}{
	{"/api/v1/workflows", "workflowID", `{"name":"w","trigger":{"type":"manual"},"steps":[{"id":"a","type":"wait","settings":{"seconds":60}}]}`, 201},
	{"/api/v1/webhooks", "webhookID", `{"url":"http://93.184.216.34/hook","event_types":["message.received"]}`, 201},
	{"/api/v1/ai/agents", "agentID", `{"name":"Sam"}`, 201},
	{"/api/v1/teams", "teamID", `{"name":"T"}`, 201},
	{"/api/v1/tags", "tagID", `{"name":"vip"}`, 201},
	{"/api/v1/custom-fields", "fieldID", `{"key":"plan","name":"Plan","type":"text"}`, 201},
	{"/api/v1/snippets", "snippetID", `{"name":"hi","text":"hello"}`, 201},
	{"/api/v1/lifecycle-stages", "stageID", `{"name":"Trial"}`, 201},
	{"/api/v1/me/views", "viewID", `{"name":"v"}`, 201},
	{"/api/v1/tokens", "tokenID", `{"name":"tk"}`, 201},
	{"/api/v1/invitations", "invitationID", `{"email":"a@example.com"}`, 201},
	{"/api/v1/intents", "intentID", `{"name":"buy","examples":["i want to buy"]}`, 201},
	{"/api/v1/knowledge/articles", "articleID", `{"title":"A","body":"B"}`, 201},
	{"/api/v1/knowledge/sources", "sourceID", `{"kind":"url","url":"http://93.184.216.34/x"}`, 201},
	{"/api/v1/closing-categories", "categoryID", `{"name":"Done"}`, 201},
	{"/api/v1/broadcasts", "broadcastID", `{"name":"b","channel_id":{{channel}},"message":{"type":"text","text":"hi"}}`, 201},
	{"/api/v1/conversations/{conversationID}/messages", "messageID", `{"text":"hello"}`, 202},
	{"/api/v1/conversations/{conversationID}/comments", "commentID", `{"text":"a note"}`, 201},
}

// newSweepFixture is a fixture with AI agents, a contact's conversation
// and one thing of each kind (oneOfEach), every path parameter a route
// names filled: those of things it cannot make here (a run, a delivery, a
// session, a version) with 1, which such routes answer 404. made, when
// not nil, sees each answer that made a thing.
func newSweepFixture(t *testing.T, d *db.DB, made func(path string, status int, body []byte)) *fixture {
	t.Helper()
	f := newFixture(t, d, func(deps *httpapi.Deps) {
		deps.AIAgents = aiagent.New(d, aiagent.Options{Knowledge: knowledge.New(d, knowledge.Options{}), Router: routing.New(d, routing.Options{})})
	})
	r := f.inbound(t, "+14155550101", "Ana", "m-1")
	f.vars["conversationID"], f.vars["contactID"] = itoa(r.ConversationID), itoa(r.ContactID)
	f.vars["userID"], f.vars["channelID"], f.vars["tag"], f.vars["report"] = f.vars["agent"], f.vars["channel"], "vip", "conversations"
	for _, m := range oneOfEach {
		status, out := f.do(t, scenario{method: "POST", path: docParam.ReplaceAllString(m.path, "{{$1}}"), as: "owner", body: m.body})
		var thing struct{ ID int64 }
		if status != m.status || json.Unmarshal(out, &thing) != nil || thing.ID == 0 {
			t.Fatalf("POST %s: %d %s", m.path, status, clip(out))
		}
		f.vars[m.capture] = strconv.FormatInt(thing.ID, 10)
		if made != nil {
			made(m.path, status, out)
		}
	}
	f.vars["runID"], f.vars["deliveryID"], f.vars["sessionID"], f.vars["version"] = "1", "1", "1", "1"
	return f
}
