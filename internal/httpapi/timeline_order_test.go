package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestTimelineReadNewestFirst: the conversation view reads comments and
// events newest first (?order=desc), page by page towards the older ones,
// as far back as the messages it shows: a conversation with thousands of
// events shows its newest, where read oldest first up to a bound it
// stopped before them. Oldest first stays the default.
func TestTimelineReadNewestFirst(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var conv int64
		for i := range 3 {
			conv = f.inbound(t, "+14155550101", "Ana", fmt.Sprint("m-", i)).ConversationID
		}
		f.vars["conv"] = itoa(conv)
		for i := range 5 {
			f.run(t, []scenario{{name: fmt.Sprint("comment ", i), method: "POST", path: "/api/v1/conversations/{{conv}}/comments", as: "agent",
				body: fmt.Sprintf(`{"text":"note %d"}`, i), status: 201}})
		}
		other := f.inbound(t, "+14155550102", "Bob", "m-bob").ConversationID // another conversation's: never listed
		f.vars["other"] = itoa(other)
		f.run(t, []scenario{{name: "a comment elsewhere", method: "POST", path: "/api/v1/conversations/{{other}}/comments", as: "agent",
			body: `{"text":"elsewhere"}`, status: 201}})

		for _, list := range []string{"comments", "events", "events?types=comment.created,message.received"} {
			path := "/api/v1/conversations/" + itoa(conv) + "/" + list
			sep := "?"
			if slices.Contains([]byte(list), '?') {
				sep = "&"
			}
			oldest, _ := messageIDs(t, f, path+sep+"limit=200")
			if len(oldest) < 5 || !slices.IsSorted(oldest) {
				t.Fatalf("%s: %v, want 5 or more oldest first", list, oldest)
			}
			newest := slices.Clone(oldest)
			slices.Reverse(newest)
			var walked []int64
			cursor := ""
			for range 20 {
				ids, next := messageIDs(t, f, path+sep+"order=desc&limit=2&cursor="+cursor)
				walked = append(walked, ids...)
				if next == "" {
					break
				}
				cursor = next
				f.vars["descCursor"] = next
			}
			if !slices.Equal(walked, newest) {
				t.Errorf("%s, order=desc by 2: %v, want %v", list, walked, newest)
			}
			if asc, _ := messageIDs(t, f, path+sep+"order=asc&limit=200"); !slices.Equal(asc, oldest) {
				t.Errorf("%s, order=asc: %v, want %v", list, asc, oldest)
			}
		}
		_, ascCursor := messageIDs(t, f, "/api/v1/conversations/"+itoa(conv)+"/comments?limit=2")
		f.vars["ascCursor"] = ascCursor
		f.run(t, []scenario{
			{name: "comments in an unknown order", method: "GET", path: "/api/v1/conversations/{{conv}}/comments?order=newest", as: "agent",
				status: 400, want: []string{"order"}},
			{name: "comments: an oldest-first cursor read newest first", method: "GET",
				path: "/api/v1/conversations/{{conv}}/comments?order=desc&cursor={{ascCursor}}", as: "agent", status: 400, want: []string{"cursor"}},
			{name: "events in an unknown order", method: "GET", path: "/api/v1/conversations/{{conv}}/events?order=up", as: "agent",
				status: 400, want: []string{"order"}},
			{name: "events after a position, newest first", method: "GET", path: "/api/v1/conversations/{{conv}}/events?order=desc&after=1",
				as: "agent", status: 400, want: []string{"after"}},
			{name: "events: a newest-first cursor read oldest first", method: "GET",
				path: "/api/v1/conversations/{{conv}}/events?cursor={{descCursor}}", as: "agent", status: 400, want: []string{"cursor"}},
			{name: "comments of another workspace", method: "GET", path: "/api/v1/conversations/{{conv}}/comments?order=desc", as: "stranger", status: 404},
			{name: "events of another workspace", method: "GET", path: "/api/v1/conversations/{{conv}}/events?order=desc", as: "stranger", status: 404},
		})
	})
}
