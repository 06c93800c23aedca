package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// listPage is any list's answer, items kept raw.
type listPage struct {
	Data       []json.RawMessage `json:"data"`
	NextCursor string            `json:"next_cursor"`
}

// itemKey names a list item: its id, else its user_id (presence), else
// its whole text.
func itemKey(raw json.RawMessage) string {
	var v struct {
		ID     int64 `json:"id"`
		UserID int64 `json:"user_id"`
	}
	json.Unmarshal(raw, &v)
	switch {
	case v.ID != 0:
		return fmt.Sprint("id ", v.ID)
	case v.UserID != 0:
		return fmt.Sprint("user ", v.UserID)
	}
	return string(raw)
}

// listQuery is what a list needs besides its page (the words a search finds).
var listQuery = map[string]string{"/api/v1/messages/search": "q=hello", "/api/v1/comments/search": "q=hello"}

// TestEveryListPagesAlike walks every GET route the OpenAPI document
// lists with a cursor parameter, one item per page, and checks it serves
// what one page of 200 serves, in the same order, each once; that limit
// outside 1–200 and a cursor of another list are 400s naming the
// parameter. A new list is covered as soon as it is documented.
func TestEveryListPagesAlike(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		bc := newBroadcasts(d)
		f := newFixture(t, d, bc.deps)
		var conv int64
		for i, phone := range []string{"+14155550101", "+14155550102", "+14155550103"} {
			r := f.inbound(t, phone, fmt.Sprint("Person ", i), fmt.Sprint("m-", i))
			conv = r.ConversationID
			f.vars["contactID"] = itoa(r.ContactID)
		}
		f.inbound(t, "+14155550103", "Person 2", "m-again")
		f.vars["conversationID"] = itoa(conv)
		var setup []scenario
		for i := range 3 {
			setup = append(setup,
				scenario{name: "a comment", method: "POST", path: "/api/v1/conversations/{{conversationID}}/comments", as: "agent",
					body: `{"text":"note"}`, status: 201},
				scenario{name: "a tag", method: "POST", path: "/api/v1/tags", as: "manager", body: fmt.Sprintf(`{"name":"t%d"}`, 3-i), status: 201},
				scenario{name: "a category", method: "POST", path: "/api/v1/closing-categories", as: "manager",
					body: fmt.Sprintf(`{"name":"c%d"}`, 3-i), status: 201},
				scenario{name: "a field", method: "POST", path: "/api/v1/custom-fields", as: "manager",
					body: fmt.Sprintf(`{"key":"f%d","name":"F","type":"text"}`, i), status: 201},
				scenario{name: "a team", method: "POST", path: "/api/v1/teams", as: "manager", body: fmt.Sprintf(`{"name":"team %d"}`, i), status: 201},
				scenario{name: "a workflow", method: "POST", path: "/api/v1/workflows", as: "manager", status: 201, capture: "workflowID",
					body: fmt.Sprintf(`{"name":"w%d","trigger":{"type":"manual"},"steps":[{"id":"a","type":"wait","settings":{"seconds":60}}]}`, i)},
			)
		}
		setup = append(setup, scenario{name: "a webhook endpoint", method: "POST", path: "/api/v1/webhooks", as: "manager", status: 201,
			capture: "webhookID", body: `{"url":"http://93.184.216.34/hook","event_types":["message.received"]}`})
		for i := range 3 {
			setup = append(setup, scenario{name: "a broadcast", method: "POST", path: "/api/v1/broadcasts", as: "manager", status: 201,
				capture: "broadcastID", body: fmt.Sprintf(`{"name":"b%d","channel_id":{{channel}},"message":{"type":"text","text":"hi"}}`, i)})
		}
		setup = append(setup, scenario{name: "sent to the three", method: "POST", path: "/api/v1/broadcasts/{{broadcastID}}/send", as: "manager", status: 200})
		f.run(t, setup)
		bc.sendAll(t)
		// The message search's index, as a node keeps it.
		backgroundtest.WaitIdle(t, f.searchIndex(t))

		_, body := f.do(t, scenario{method: "GET", path: "/api/openapi.json"})
		var doc struct {
			Paths map[string]map[string]struct {
				Parameters []struct{ Name, In string }
			}
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		foreign := page.Cursor{Order: "some other list", ID: 1}.Encode()
		lists, walked := 0, 0
		for path, ops := range doc.Paths {
			op, ok := ops["get"]
			if !ok || !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == "cursor" }) {
				continue
			}
			lists++
			path = docParam.ReplaceAllString(path, "{{$1}}")
			sep := "?" + listQuery[path]
			if sep != "?" {
				sep += "&"
			}
			f.run(t, []scenario{
				{name: path + " limit=0", method: "GET", path: path + sep + "limit=0", as: "owner", status: 400, want: []string{"limit", "1 to 200"}},
				{name: path + " limit=201", method: "GET", path: path + sep + "limit=201", as: "owner", status: 400, want: []string{"limit"}},
				{name: path + " a cursor of another list", method: "GET", path: path + sep + "cursor=" + foreign, as: "owner", status: 400,
					want: []string{"cursor"}},
				{name: path + " a tampered cursor", method: "GET", path: path + sep + "cursor=" + foreign[:len(foreign)-3], as: "owner", status: 400,
					want: []string{"cursor"}},
			})
			var whole listPage
			f.get(t, path+sep+"limit=200", "owner", &whole)
			if whole.NextCursor != "" {
				t.Errorf("%s: a page of 200 holding %d items has a next_cursor", path, len(whole.Data))
			}
			var want, got []string
			for _, raw := range whole.Data {
				want = append(want, itemKey(raw))
			}
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > len(want)+1 {
					t.Fatalf("%s: more pages than items: the cursor does not advance", path)
				}
				var pg listPage
				f.get(t, path+sep+"limit=1&cursor="+cursor, "owner", &pg)
				for _, raw := range pg.Data {
					got = append(got, itemKey(raw))
				}
				if pg.NextCursor == "" {
					break
				}
				if len(pg.Data) != 1 {
					t.Fatalf("%s: a page of %d with a next_cursor", path, len(pg.Data))
				}
				cursor = pg.NextCursor
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: walked one at a time\n got %v\nwant %v", path, got, want)
			}
			if len(want) > 1 {
				walked++
			}
		}
		if lists < 15 || walked < 12 {
			t.Errorf("%d documented lists, %d walked over several pages: fewer than expected", lists, walked)
		}
	})
}

// TestConversationListAPI covers the conversation list's parameters, the
// counts and saved views over HTTP.
func TestConversationListAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i, phone := range []string{"+14155550101", "+14155550102", "+14155550103"} {
			f.inbound(t, phone, fmt.Sprint("Person ", i), fmt.Sprint("m-", i))
		}
		ana := f.inbound(t, "+14155550199", "Ana", "m-ana")
		f.vars["ana"] = itoa(ana.ConversationID)
		var first listPage
		f.get(t, "/api/v1/conversations?sort=waiting&limit=2", "owner", &first)
		f.vars["waitingCursor"] = first.NextCursor
		long := strings.Repeat("x", 201)
		f.run(t, []scenario{
			{name: "assign Ana to the agent", method: "POST", path: "/api/v1/conversations/{{ana}}/assign", as: "manager",
				body: `{"user_id":{{agent}},"force":true}`, status: 200},
			{name: "the agent's own", method: "GET", path: "/api/v1/conversations?assignee=me", as: "agent", status: 200,
				want: []string{`"id":{{ana}}`, `"next_cursor":""`}, notWant: []string{`"contact_id":1,`}},
			{name: "the older assignee_id", method: "GET", path: "/api/v1/conversations?assignee_id=me", as: "agent", status: 200,
				want: []string{`"id":{{ana}}`}},
			{name: "search", method: "GET", path: "/api/v1/conversations?q=ana", as: "owner", status: 200,
				want: []string{`"id":{{ana}}`}, notWant: []string{`"contact_id":1,`}},
			{name: "a cursor of another sort", method: "GET", path: "/api/v1/conversations?sort=newest&cursor={{waitingCursor}}", as: "owner",
				status: 400, want: []string{"cursor"}},
			{name: "the cursor of its sort", method: "GET", path: "/api/v1/conversations?sort=waiting&cursor={{waitingCursor}}", as: "owner",
				status: 200, want: []string{`"next_cursor":""`}},
			{name: "an old numeric cursor", method: "GET", path: "/api/v1/conversations?cursor=5", as: "owner", status: 400, want: []string{"cursor"}},
			{name: "an unknown sort", method: "GET", path: "/api/v1/conversations?sort=size", as: "owner", status: 400,
				want: []string{"sort", "waiting"}},
			{name: "a bad assignee", method: "GET", path: "/api/v1/conversations?assignee=them", as: "owner", status: 400, want: []string{"assignee"}},
			{name: "a field without =", method: "GET", path: "/api/v1/conversations?field=plan", as: "owner", status: 400, want: []string{"key=value"}},
			{name: "an unknown opened source", method: "GET", path: "/api/v1/conversations?opened_source=fax", as: "owner", status: 400,
				want: []string{"opened_source"}},
			{name: "a search too long", method: "GET", path: "/api/v1/conversations?q=" + long, as: "owner", status: 400, want: []string{"q"}},
			{name: "the contact wrote within a day", method: "GET", path: "/api/v1/conversations?last_incoming_within=86400", as: "owner",
				status: 200, want: []string{`"id":{{ana}}`}},
			{name: "no message from the contact for a day", method: "GET", path: "/api/v1/conversations?last_incoming_older_than=86400",
				as: "owner", status: 200, want: []string{`"data":[]`}},
			{name: "a zero time since", method: "GET", path: "/api/v1/conversations?last_incoming_within=0", as: "owner", status: 400,
				want: []string{`"error":{"code":`, "last_incoming_within"}},
			{name: "a time since over 366 days", method: "GET", path: "/api/v1/conversations?last_incoming_older_than=31622401",
				as: "owner", status: 400, want: []string{`"error":{"code":`, "last_incoming_older_than"}},
			{name: "a time since in days", method: "GET", path: "/api/v1/conversations?last_incoming_older_than=3d", as: "owner",
				status: 400, want: []string{"last_incoming_older_than"}},

			{name: "counts as the owner", method: "GET", path: "/api/v1/conversations/counts", as: "owner", status: 200,
				want: []string{`"status":"open"`, `"all":4`, `"mine":0`, `"unassigned":3`, `"views":[]`}},
			{name: "counts as the agent (who may see all)", method: "GET", path: "/api/v1/conversations/counts", as: "agent", status: 200,
				want: []string{`"all":4`, `"mine":1`, `"unassigned":3`}},
			{name: "closed counts", method: "GET", path: "/api/v1/conversations/counts?status=closed", as: "owner", status: 200,
				want: []string{`"all":0`}},
			{name: "counts of a bad status", method: "GET", path: "/api/v1/conversations/counts?status=gone", as: "owner", status: 400},

			{name: "save a view", method: "POST", path: "/api/v1/me/views", as: "owner", status: 201, capture: "view",
				body: `{"name":"Searching Ana","filter":{"q":"ana","status":"open"}}`, want: []string{`"filter":{"status":"open","q":"ana"}`}},
			{name: "the same name", method: "POST", path: "/api/v1/me/views", as: "owner", status: 409,
				body: `{"name":"Searching Ana","filter":{}}`},
			{name: "a bad filter", method: "POST", path: "/api/v1/me/views", as: "owner", status: 422,
				body: `{"name":"x","filter":{"sort":"size"}}`, want: []string{`"field":"filter"`}},
			{name: "a view of a bad time since", method: "POST", path: "/api/v1/me/views", as: "owner", status: 422,
				body: `{"name":"x","filter":{"last_incoming_within":-5}}`, want: []string{`"field":"filter"`, "last_incoming_within"}},
			{name: "save a time-relative view", method: "POST", path: "/api/v1/me/views", as: "owner", status: 201,
				body: `{"name":"Wrote today","filter":{"last_incoming_within":86400}}`, want: []string{`"last_incoming_within":86400`}},
			{name: "an unknown filter key", method: "POST", path: "/api/v1/me/views", as: "owner", status: 400,
				body: `{"name":"x","filter":{"colour":"red"}}`},
			{name: "a workspace token has no views", method: "GET", path: "/api/v1/me/views", as: "integration", status: 400},
			{name: "the views", method: "GET", path: "/api/v1/me/views", as: "owner", status: 200, want: []string{`"name":"Searching Ana"`}},
			{name: "another user's view", method: "GET", path: "/api/v1/me/views/{{view}}", as: "manager", status: 404},
			{name: "counted", method: "GET", path: "/api/v1/conversations/counts", as: "owner", status: 200,
				want: []string{`{"view_id":{{view}},"name":"Searching Ana","count":1}`, `"name":"Wrote today","count":4`}},
			{name: "rename", method: "PUT", path: "/api/v1/me/views/{{view}}", as: "owner", status: 200,
				body: `{"name":"Everyone","filter":{}}`, want: []string{`"name":"Everyone"`}},
			{name: "counted again", method: "GET", path: "/api/v1/conversations/counts", as: "owner", status: 200,
				want: []string{`"name":"Everyone","count":4`}},
			{name: "delete", method: "DELETE", path: "/api/v1/me/views/{{view}}", as: "owner", status: 204},
			{name: "deleted", method: "GET", path: "/api/v1/me/views/{{view}}", as: "owner", status: 404},
		})
	})
}
