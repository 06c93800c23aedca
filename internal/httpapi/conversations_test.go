package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestConversationRules(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.inbound(t, "+14155550101", "Ana", "m-1")
		f.vars["ana"], f.vars["first"] = itoa(r.ContactID), itoa(r.ConversationID)
		bo := f.inbound(t, "+14155550102", "Bo", "m-2")
		f.vars["bo"] = itoa(bo.ContactID)
		f.run(t, []scenario{
			{name: "category required", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"closing_notes_mode":"category_required"}`, status: 200},
			{name: "a category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Resolved"}`, status: 201},

			{name: "close without a category", method: "POST", path: "/api/v1/conversations/{{first}}/close", as: "agent",
				status: 422, want: []string{`"field":"category"`}},
			{name: "close with only a summary", method: "POST", path: "/api/v1/conversations/{{first}}/close", as: "agent",
				body: `{"summary":"done"}`, status: 422, want: []string{`"field":"category"`}},
			{name: "close with an unknown category", method: "POST", path: "/api/v1/conversations/{{first}}/close", as: "agent",
				body: `{"category":"Nope"}`, status: 422, want: []string{`"field":"category"`}},
			{name: "close an unknown conversation", method: "POST", path: "/api/v1/conversations/999999/close", as: "agent",
				body: `{"category":"Resolved"}`, status: 404},
			{name: "close with a category", method: "POST", path: "/api/v1/conversations/{{first}}/close", as: "agent",
				body: `{"category":"Resolved","summary":"refund sent"}`, status: 200,
				want: []string{`"status":"closed"`, `"close_category":"Resolved"`, `"close_summary":"refund sent"`,
					`"closed_source":"user"`, `"closed_by":{{agent}}`}},
			{name: "close it again", method: "POST", path: "/api/v1/conversations/{{first}}/close", as: "agent",
				body: `{"category":"Resolved"}`, status: 409},

			{name: "open a new one", method: "POST", path: "/api/v1/conversations", as: "agent", body: `{"contact_id":{{ana}}}`,
				status: 201, capture: "second",
				want: []string{`"status":"open"`, `"opened_source":"user"`, `"opened_by":{{agent}}`, `"channel_id":{{channel}}`}},
			{name: "a second open conversation", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":{{ana}}}`, status: 409, want: []string{`"code":"conflict"`}},
			{name: "nor through the API", method: "POST", path: "/api/v1/conversations", as: "integration",
				body: `{"contact_id":{{bo}}}`, status: 409},
			{name: "an unknown contact", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":999999}`, status: 422, want: []string{`"field":"contact_id"`}},
			{name: "another workspace's contact", method: "POST", path: "/api/v1/conversations", as: "stranger",
				body: `{"contact_id":{{ana}}}`, status: 422},
			// A contact made by hand has no channel: a conversation with it
			// could send and receive nothing (it opened on channel 0).
			{name: "a contact on no channel", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Cy"}`, status: 201, capture: "cy"},
			{name: "a conversation with a contact on no channel", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":{{cy}}}`, status: 422, want: []string{`"field":"contact_id"`, "no channel to talk on"}},
			{name: "its timeline", method: "GET", path: "/api/v1/conversations/{{second}}/events", as: "agent", status: 200,
				want: []string{`"type":"conversation.opened"`, `"seq":1`, `"source":"user"`}},
			{name: "the contact's history", method: "GET", path: "/api/v1/contacts/{{ana}}/conversations", as: "agent", status: 200,
				want: []string{`"data":[{"id":{{second}}`, `"id":{{first}}`}},

			{name: "assign", method: "POST", path: "/api/v1/conversations/{{second}}/assign", as: "manager",
				body: `{"user_id":{{agent}}}`, status: 200, want: []string{`"assignee_id":{{agent}}`}},
			{name: "mine", method: "GET", path: "/api/v1/conversations?assignee_id=me", as: "agent", status: 200,
				want: []string{`"id":{{second}}`}, notWant: []string{`"id":{{first}}`}},
			{name: "the timeline in pages", method: "GET", path: "/api/v1/conversations/{{second}}/events?limit=1", as: "agent",
				status: 200, want: []string{`"seq":1`}, notWant: []string{`"seq":2`, `"next_cursor":""`}},
			{name: "assign to a stranger", method: "POST", path: "/api/v1/conversations/{{second}}/assign", as: "manager",
				body: `{"user_id":999999}`, status: 422, want: []string{`"field":"user_id"`}},
		})
	})
}

// A message's content is the channel-level message object: anything but
// an object (or null, taken as none) is refused at once with 422, not
// accepted and then failed for good by the sender ("the content of a …
// message must be a JSON object"), nor stored as a bare null.
func TestSendRefusesContentThatIsNotAnObject(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.vars["conv"] = itoa(f.inbound(t, "+14155550101", "Ana", "m-1").ConversationID)
		var scs []scenario
		for _, content := range []string{`[1,2]`, `"a link"`, `42`, `true`} {
			scs = append(scs, scenario{name: "content " + content, method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"type":"quick_reply","text":"pick one","content":` + content + `}`, status: 422, want: []string{`"field":"content"`}})
		}
		scs = append(scs,
			scenario{name: "null content is none", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"text":"hi","content":null}`, status: 202, want: []string{`"content":{}`}},
			scenario{name: "an object", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"type":"quick_reply","text":"pick one","content":{"replies":["a","b"]}}`, status: 202, want: []string{`"replies":["a","b"]`}},
		)
		f.run(t, scs)
	})
}

// A message with neither text nor content has nothing for the channel to
// send, whatever its type: a 422 at once, not a 202 that the sender then
// fails for good.
func TestSendRefusesAMessageWithNothingToSend(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.vars["conv"] = itoa(f.inbound(t, "+14155550101", "Ana", "m-1").ConversationID)
		var scs []scenario
		for _, body := range []string{`{"type":"attachment"}`, `{"type":"quick_reply","text":"  "}`, `{"type":"location","content":{}}`, `{"type":"attachment","content":null}`} {
			scs = append(scs, scenario{name: body, method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: body, status: 422, want: []string{`"field":"text"`}})
		}
		scs = append(scs, scenario{name: "a location with its content", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
			body: `{"type":"location","content":{"latitude":48.85,"longitude":2.29}}`, status: 202})
		f.run(t, scs)
	})
}

// A restricted agent sees a conversation when it is assigned to them or
// unassigned in one of their teams, and a contact when they may see one of
// its conversations. The conversation such an agent opens (a new lead,
// the inbox's reopen) is therefore theirs, in the opening transaction:
// left unassigned and teamless, it and its contact vanished from them the
// moment they opened it. Capacity holds as for any named assignment: at
// capacity the open is a 409 and nothing is opened.
func TestARestrictedAgentOwnsTheConversationTheyOpen(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lead := f.inbound(t, "+14155550111", "Lea", "m-lead")
		other := f.inbound(t, "+14155550112", "Oz", "m-oz")
		f.vars["lead"], f.vars["leadConv"] = itoa(lead.ContactID), itoa(lead.ConversationID)
		f.vars["oz"], f.vars["ozConv"] = itoa(other.ContactID), itoa(other.ConversationID)
		f.run(t, []scenario{
			{name: "the agent restricted", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "owner",
				body: `{"permissions":{"see_all_conversations":false,"export_contacts":false,"delete_contacts":false}}`, status: 200},
			{name: "the lead's first conversation, the agent's", method: "POST", path: "/api/v1/conversations/{{leadConv}}/assign", as: "manager",
				body: `{"user_id":{{agent}}}`, status: 200},
			{name: "closed", method: "POST", path: "/api/v1/conversations/{{leadConv}}/close", as: "agent", status: 200},
			{name: "the agent opens the next", method: "POST", path: "/api/v1/conversations", as: "agent", body: `{"contact_id":{{lead}}}`,
				status: 201, capture: "next", want: []string{`"opened_by":{{agent}}`, `"assignee_id":{{agent}}`}},
			{name: "and sees it", method: "GET", path: "/api/v1/conversations/{{next}}", as: "agent", status: 200},
			{name: "and its contact", method: "GET", path: "/api/v1/contacts/{{lead}}", as: "agent", status: 200},
			{name: "a manager's open is left to the workflows", method: "POST", path: "/api/v1/conversations/{{ozConv}}/close", as: "manager", status: 200},
			{name: "opened by the manager", method: "POST", path: "/api/v1/conversations", as: "manager", body: `{"contact_id":{{oz}}}`,
				status: 201, capture: "ozNext", notWant: []string{`"assignee_id"`}},

			{name: "capacity one", method: "PUT", path: "/api/v1/users/{{agent}}/capacity", as: "manager", body: `{"capacity":1}`, status: 200},
			{name: "given the manager's", method: "POST", path: "/api/v1/conversations/{{ozNext}}/assign", as: "manager",
				body: `{"user_id":{{agent}}, "force": true}`, status: 200},
			{name: "the agent closes the lead's", method: "POST", path: "/api/v1/conversations/{{next}}/close", as: "agent", status: 200},
		})
		// Now at capacity with Oz's: opening the lead's again is refused,
		// and opens nothing.
		f.run(t, []scenario{
			{name: "at capacity", method: "POST", path: "/api/v1/conversations", as: "agent", body: `{"contact_id":{{lead}}}`, status: 409},
		})
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, lead.ContactID); n != 0 {
			t.Fatalf("the refused open left %d open conversations", n)
		}
	})
}
