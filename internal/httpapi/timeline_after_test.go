package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestCommentsAndEventsAfterAnID: the conversation view, told by the
// socket that a comment was written, reads the comments after the newest
// it holds (?after=<comment id>) instead of every page it had read; the
// timeline's events take ?after=<event id> the same way. Both read oldest
// first, paged like any list, bounded by limit, and refuse what the
// messages' after refuses.
func TestCommentsAndEventsAfterAnID(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		conv := f.inbound(t, "+14155550101", "Ana", "m-0").ConversationID
		f.vars["conv"] = itoa(conv)
		for i := range 5 {
			f.run(t, []scenario{{name: fmt.Sprint("comment ", i), method: "POST", path: "/api/v1/conversations/{{conv}}/comments", as: "agent",
				body: fmt.Sprintf(`{"text":"note %d"}`, i), status: 201}})
		}
		other := f.inbound(t, "+14155550102", "Bob", "m-bob").ConversationID // another conversation's, newer: never listed
		f.vars["other"] = itoa(other)
		f.run(t, []scenario{{name: "a comment elsewhere", method: "POST", path: "/api/v1/conversations/{{other}}/comments", as: "agent",
			body: `{"text":"elsewhere"}`, status: 201}})

		for _, list := range []string{"comments?", "events?types=comment.created&"} {
			path := "/api/v1/conversations/" + itoa(conv) + "/" + list
			all, _ := messageIDs(t, f, path+"limit=200")
			if len(all) != 5 || !slices.IsSorted(all) {
				t.Fatalf("%s: %v, want the 5 comments' ids oldest first", list, all)
			}
			for _, tc := range []struct {
				name  string
				query string
				want  []int64
				more  bool
			}{
				{"after the second", "after=" + itoa(all[1]), all[2:], false},
				{"after the second, oldest first said", "order=asc&after=" + itoa(all[1]), all[2:], false},
				{"after the newest", "after=" + itoa(all[4]), []int64{}, false},
				{"after 0: from the first", "after=0", all, false},
				{"after one below the third: the third on", "after=" + itoa(all[2]-1), all[2:], false},
				{"after the first, by 2", "limit=2&after=" + itoa(all[0]), all[1:3], true},
			} {
				ids, next := messageIDs(t, f, path+tc.query)
				if !slices.Equal(ids, tc.want) || (next != "") != tc.more {
					t.Errorf("%s %s: %v (cursor %q), want %v (more: %v)", list, tc.name, ids, next, tc.want, tc.more)
				}
				if next != "" {
					if rest, _ := messageIDs(t, f, path+"limit=2&cursor="+next); !slices.Equal(rest, all[3:5]) {
						t.Errorf("%s %s: the next page %v, want %v", list, tc.name, rest, all[3:5])
					}
					f.vars["afterCursor"] = next
				}
			}
			var bad []scenario
			for _, tc := range []struct {
				name, query string
				want        []string
			}{
				{"after, newest first", "order=desc&after=1", []string{"after", "desc"}},
				{"after and a cursor", "after=1&cursor={{afterCursor}}", []string{"after", "cursor"}},
				{"after not a number", "after=x", []string{"after"}},
				{"after negative", "after=-1", []string{"after"}},
				{"after past the limit's bound", "after=1&limit=201", []string{"limit"}},
			} {
				bad = append(bad, scenario{name: list + " " + tc.name, method: "GET", path: "/api/v1/conversations/{{conv}}/" + list + tc.query,
					as: "agent", status: 400, want: tc.want})
			}
			bad = append(bad, scenario{name: list + " another workspace", method: "GET", path: "/api/v1/conversations/{{conv}}/" + list + "after=1",
				as: "stranger", status: 404})
			f.run(t, bad)
		}
	})
}
