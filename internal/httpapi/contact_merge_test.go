package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

func withMergeCloser(deps *httpapi.Deps) {
	deps.Contacts.SetConversationCloser(conversation.CloseForMergeTx)
}

func TestContactMerge(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withMergeCloser)
		a := f.inbound(t, "+14155550100", "Ada", "m1")
		b := f.inbound(t, "+14155550199", "Ada", "m2")
		f.vars["a"], f.vars["b"] = itoa(a.ContactID), itoa(b.ContactID)
		f.vars["convA"], f.vars["convB"] = itoa(a.ConversationID), itoa(b.ConversationID)
		f.run(t, []scenario{
			{name: "an agent may not merge", method: "POST", path: "/api/v1/contacts/{{a}}/merge", as: "agent",
				body: `{"from":{{b}}}`, status: 403},
			{name: "from is required", method: "POST", path: "/api/v1/contacts/{{a}}/merge", as: "owner",
				body: `{}`, status: 422, want: []string{`"field":"from"`}},
			{name: "a bad keep", method: "POST", path: "/api/v1/contacts/{{a}}/merge", as: "owner",
				body: `{"from":{{b}},"keep":{"phone":"both"}}`, status: 422, want: []string{`"field":"keep.phone"`}},
			{name: "a missing contact", method: "POST", path: "/api/v1/contacts/{{a}}/merge", as: "owner",
				body: `{"from":999999}`, status: 404},
			{name: "merge keeping from's phone", method: "POST", path: "/api/v1/contacts/{{a}}/merge", as: "owner",
				body: `{"from":{{b}},"keep":{"phone":"from"}}`, status: 200,
				want: []string{`"id":{{a}}`, `"phone":"+14155550199"`, `"closed_conversation_id":{{convB}}`, `"moved_conversations":1`, `"moved_identities":1`}},
			{name: "from is gone", method: "GET", path: "/api/v1/contacts/{{b}}", as: "owner", status: 404},
			{name: "both conversations under the kept contact", method: "GET", path: "/api/v1/contacts/{{a}}/conversations", as: "owner",
				status: 200, want: []string{`"id":{{convA}}`, `"id":{{convB}}`}},
			{name: "the event", method: "GET", path: "/api/v1/events?types=contact.merged", as: "owner", status: 200,
				want: []string{`"type":"contact.merged"`, `"merged_contact_id":{{b}}`}},
			{name: "the kept contact's timeline, newest first", method: "GET", path: "/api/v1/contacts/{{a}}/events?limit=2", as: "owner", status: 200,
				want: []string{`"data":[{"id":`, `"type":"contact.merged"`, `"next_cursor":"`}},
			{name: "a missing contact's timeline", method: "GET", path: "/api/v1/contacts/{{b}}/events", as: "owner", status: 404},
		})
	})
}

func TestContactMergeSuggestions(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.inbound(t, "+14155550100", "Ada", "m1")
		b := f.inbound(t, "14155550100", "Ada", "m2")
		f.vars["a"], f.vars["b"] = itoa(a.ContactID), itoa(b.ContactID)
		f.vars["owner"] = itoa(f.users["owner"].ID)
		f.run(t, []scenario{
			{name: "same phone in two forms", method: "GET", path: "/api/v1/contacts/merge-suggestions", as: "owner", status: 200,
				want: []string{`"reason":"phone"`, `"a":{"id":{{a}}`, `"b":{"id":{{b}}`}},
			{name: "an agent may not dismiss one", method: "POST", path: "/api/v1/contacts/merge-suggestions/dismiss", as: "agent",
				body: `{"a":{{a}},"b":{{b}}}`, status: 403},
			{name: "dismissing needs the other contact", method: "POST", path: "/api/v1/contacts/merge-suggestions/dismiss", as: "owner",
				body: `{"a":{{a}}}`, status: 422, want: []string{`"field":"b"`}},
			{name: "dismissing a pair of one contact", method: "POST", path: "/api/v1/contacts/merge-suggestions/dismiss", as: "owner",
				body: `{"a":{{a}},"b":{{a}}}`, status: 422, want: []string{`"field":"b"`}},
			{name: "dismissing a malformed body", method: "POST", path: "/api/v1/contacts/merge-suggestions/dismiss", as: "owner",
				body: `{"a":"one"}`, status: 400},
			{name: "dismissing a missing contact", method: "POST", path: "/api/v1/contacts/merge-suggestions/dismiss", as: "owner",
				body: `{"a":{{a}},"b":999999}`, status: 404},
			{name: "not a duplicate", method: "POST", path: "/api/v1/contacts/merge-suggestions/dismiss", as: "owner",
				body: `{"a":{{b}},"b":{{a}}}`, status: 204},
			{name: "never suggested again", method: "GET", path: "/api/v1/contacts/merge-suggestions", as: "owner", status: 200,
				want: []string{`"data":[]`}},
			{name: "listed as dismissed, by whom", method: "GET", path: "/api/v1/contacts/merge-suggestions/dismissed", as: "owner", status: 200,
				want: []string{`"a":{"id":{{a}}`, `"b":{"id":{{b}}`, `"dismissed_at":"`, `"dismissed_by":{{owner}}`}},
			{name: "an agent may not take it back", method: "POST", path: "/api/v1/contacts/merge-suggestions/restore", as: "agent",
				body: `{"a":{{a}},"b":{{b}}}`, status: 403},
			{name: "taking back needs the other contact", method: "POST", path: "/api/v1/contacts/merge-suggestions/restore", as: "owner",
				body: `{"a":{{a}}}`, status: 422, want: []string{`"field":"b"`}},
			{name: "taking back a missing contact", method: "POST", path: "/api/v1/contacts/merge-suggestions/restore", as: "owner",
				body: `{"a":{{a}},"b":999999}`, status: 404},
			{name: "still dismissed after the refusals", method: "GET", path: "/api/v1/contacts/merge-suggestions", as: "owner", status: 200,
				want: []string{`"data":[]`}},
			{name: "suggest again", method: "POST", path: "/api/v1/contacts/merge-suggestions/restore", as: "owner",
				body: `{"a":{{b}},"b":{{a}}}`, status: 204},
			{name: "suggested again", method: "GET", path: "/api/v1/contacts/merge-suggestions", as: "owner", status: 200,
				want: []string{`"reason":"phone"`, `"a":{"id":{{a}}`}},
			{name: "no longer dismissed", method: "GET", path: "/api/v1/contacts/merge-suggestions/dismissed", as: "owner", status: 200,
				want: []string{`"data":[]`}},
		})
	})
}
