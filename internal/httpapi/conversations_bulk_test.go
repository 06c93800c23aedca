package httpapi_test

import (
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Bulk actions on conversations: each conversation as its own request,
// the refused ones listed with their reason while the others go on; a bad
// action or list changes nothing; capacity holds.
func TestConversationsBulk(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i, name := range []string{"a", "b", "c", "d"} {
			r := f.inbound(t, "+1415555020"+itoa(int64(i)), name, "bulk-"+name)
			f.vars[name] = itoa(r.ConversationID)
		}
		f.vars["soon"] = d.Clock().Now().Add(2 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		f.run(t, []scenario{
			{name: "category required", method: "PATCH", path: "/api/v1/workspace", as: "owner", body: `{"closing_notes_mode":"category_required"}`, status: 200},
			{name: "a category", method: "POST", path: "/api/v1/closing-categories", as: "manager", body: `{"name":"Spam"}`, status: 201},
			{name: "an unknown action", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{a}}],"action":{"type":"archive"}}`, status: 422, want: []string{`"field":"action.type"`}},
			{name: "no conversations", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[],"action":{"type":"read"}}`, status: 422, want: []string{`"field":"conversation_ids"`}},
			{name: "assign to nobody", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{a}}],"action":{"type":"assign"}}`, status: 422},
			{name: "closing notes missing: each refused, none closed", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{a}},{{b}}],"action":{"type":"close"}}`, status: 200,
				want: []string{`"done":[]`, `{"id":{{a}},"code":"invalid","message":"category: `}},
			{name: "still open", method: "GET", path: "/api/v1/conversations/{{a}}", as: "manager", status: 200, want: []string{`"status":"open"`}},

			{name: "capacity one", method: "PUT", path: "/api/v1/users/{{agent}}/capacity", as: "manager", body: `{"capacity":1}`, status: 200},
			{name: "assign three to an agent of capacity one", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{a}},{{b}},{{c}}],"action":{"type":"assign","user_id":{{agent}}}}`, status: 200,
				want: []string{`"done":[{{a}}]`, `{"id":{{b}},"code":"`, `{"id":{{c}},"code":"`}},
			{name: "the agent has one", method: "GET", path: "/api/v1/conversations?assignee_id={{agent}}", as: "manager", status: 200,
				want: []string{`"id":{{a}}`}, notWant: []string{`"id":{{b}}`, `"id":{{c}}`}},

			{name: "close two, one twice, one unknown", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{a}},{{b}},{{a}},999999],"action":{"type":"close","category":"Spam"}}`, status: 200,
				want: []string{`"done":[{{a}},{{b}}]`, `"failed":[{"id":999999,"code":"not_found"`}},
			{name: "closed with the category", method: "GET", path: "/api/v1/conversations/{{b}}", as: "manager", status: 200,
				want: []string{`"status":"closed"`, `"close_category":"Spam"`, `"closed_source":"user"`}},
			{name: "closing again is refused per conversation", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{b}},{{c}}],"action":{"type":"close","category":"Spam"}}`, status: 200,
				want: []string{`"done":[{{c}}]`, `{"id":{{b}},"code":"conflict"`}},
			{name: "snooze without a time", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{c}}],"action":{"type":"snooze"}}`, status: 422, want: []string{`"field":"action.until"`}},
			{name: "snooze until the past", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{c}}],"action":{"type":"snooze","until":"2001-01-01T00:00:00Z"}}`, status: 422,
				want: []string{`"field":"action.until"`, "future"}},
			{name: "snooze past a year", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{c}}],"action":{"type":"snooze","until":"2999-01-01T00:00:00Z"}}`, status: 422,
				want: []string{`"field":"action.until"`}},
			{name: "snooze two, one closed", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{b}},{{d}}],"action":{"type":"snooze","until":"{{soon}}"}}`, status: 200,
				want: []string{`"done":[{{d}}]`, `{"id":{{b}},"code":"conflict"`}},
			{name: "snoozed", method: "GET", path: "/api/v1/conversations/{{d}}", as: "manager", status: 200,
				want: []string{`"status":"snoozed"`, `"snoozed_until":"{{soon}}"`}},
			{name: "read and unread", method: "POST", path: "/api/v1/conversations/bulk", as: "manager",
				body: `{"conversation_ids":[{{a}},{{b}}],"action":{"type":"unread"}}`, status: 200, want: []string{`"done":[{{a}},{{b}}]`}},
			{name: "another workspace's caller sees none of them", method: "POST", path: "/api/v1/conversations/bulk", as: "stranger",
				body: `{"conversation_ids":[{{a}}],"action":{"type":"read"}}`, status: 200, want: []string{`"done":[]`, `"code":"not_found"`}},
		})
	})
}
