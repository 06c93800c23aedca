package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// messageIDs reads a page of messages as their ids, in the order served.
func messageIDs(t *testing.T, f *fixture, path string) ([]int64, string) {
	t.Helper()
	var pg struct {
		Data       []struct{ ID int64 }
		NextCursor string `json:"next_cursor"`
	}
	f.get(t, path, "agent", &pg)
	ids := make([]int64, 0, len(pg.Data))
	for _, m := range pg.Data {
		ids = append(ids, m.ID)
	}
	return ids, pg.NextCursor
}

// TestMessagesReadNewestFirst: a client showing the end of a long
// conversation reads its messages newest first (?order=desc), one page at
// a time towards the older ones, instead of walking every page from the
// first; the default stays oldest first, and a cursor of one order is
// refused by the other.
func TestMessagesReadNewestFirst(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var conv int64
		for i := range 5 {
			conv = f.inbound(t, "+14155550101", "Ana", fmt.Sprint("m-", i)).ConversationID
		}
		f.inbound(t, "+14155550102", "Bob", "m-bob") // another conversation's message is never listed
		path := "/api/v1/conversations/" + itoa(conv) + "/messages"

		oldest, cursor := messageIDs(t, f, path)
		if len(oldest) != 5 || cursor != "" || !slices.IsSorted(oldest) {
			t.Fatalf("by default: %v (cursor %q), want the 5 messages oldest first", oldest, cursor)
		}
		if asc, _ := messageIDs(t, f, path+"?order=asc"); !slices.Equal(asc, oldest) {
			t.Errorf("order=asc: %v, want %v", asc, oldest)
		}
		newest := slices.Clone(oldest)
		slices.Reverse(newest)

		var walked []int64
		var pages []string
		cursor = ""
		for range 4 {
			ids, next := messageIDs(t, f, path+"?order=desc&limit=2&cursor="+cursor)
			walked = append(walked, ids...)
			pages = append(pages, fmt.Sprint(ids))
			if next == "" {
				break
			}
			cursor = next
			f.vars["descCursor"] = next
		}
		if !slices.Equal(walked, newest) || len(pages) != 3 {
			t.Errorf("order=desc by 2: pages %v, want %v in pages of 2, 2 and 1", pages, newest)
		}
		_, ascCursor := messageIDs(t, f, path+"?limit=2")
		f.vars["ascCursor"] = ascCursor
		f.vars["conv"] = itoa(conv)

		f.run(t, []scenario{
			{name: "an unknown order", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?order=newest", as: "agent",
				status: 400, want: []string{"order", "asc", "desc"}},
			{name: "an order in capitals", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?order=DESC", as: "agent",
				status: 400, want: []string{"order"}},
			{name: "an oldest-first cursor read newest first", method: "GET",
				path: "/api/v1/conversations/{{conv}}/messages?order=desc&cursor={{ascCursor}}", as: "agent", status: 400, want: []string{"cursor"}},
			{name: "a newest-first cursor read oldest first", method: "GET",
				path: "/api/v1/conversations/{{conv}}/messages?cursor={{descCursor}}", as: "agent", status: 400, want: []string{"cursor"}},
			{name: "another workspace", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?order=desc", as: "stranger", status: 404},
		})
	})
}

// TestMessagesAfterAnID: a view that follows a conversation, told by the
// socket that something new was written, reads the messages after the
// newest it holds (?after=<message id>), oldest first and paged like any
// list, instead of every page it had read again.
func TestMessagesAfterAnID(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var conv int64
		for i := range 5 {
			conv = f.inbound(t, "+14155550101", "Ana", fmt.Sprint("m-", i)).ConversationID
		}
		f.inbound(t, "+14155550102", "Bob", "m-bob") // another conversation's, newer: never listed
		path := "/api/v1/conversations/" + itoa(conv) + "/messages"
		all, _ := messageIDs(t, f, path)

		for _, tc := range []struct {
			name  string
			query string
			want  []int64
			more  bool
		}{
			{"after the second", "?after=" + itoa(all[1]), all[2:], false},
			{"after the second, oldest first said", "?order=asc&after=" + itoa(all[1]), all[2:], false},
			{"after the newest", "?after=" + itoa(all[4]), []int64{}, false},
			{"after 0: from the first", "?after=0", all, false},
			{"after the first, by 2", "?limit=2&after=" + itoa(all[0]), all[1:3], true},
		} {
			ids, next := messageIDs(t, f, path+tc.query)
			if !slices.Equal(ids, tc.want) || (next != "") != tc.more {
				t.Errorf("%s: %v (cursor %q), want %v (more: %v)", tc.name, ids, next, tc.want, tc.more)
			}
			if next != "" {
				rest, _ := messageIDs(t, f, path+"?limit=2&cursor="+next)
				if !slices.Equal(rest, all[3:5]) {
					t.Errorf("%s: the next page %v, want %v", tc.name, rest, all[3:5])
				}
				f.vars["afterCursor"] = next
			}
		}
		f.vars["conv"] = itoa(conv)
		f.run(t, []scenario{
			{name: "after, newest first", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?order=desc&after=1", as: "agent",
				status: 400, want: []string{"after", "desc"}},
			{name: "after and a cursor", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?after=1&cursor={{afterCursor}}", as: "agent",
				status: 400, want: []string{"after", "cursor"}},
			{name: "after not a number", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?after=x", as: "agent",
				status: 400, want: []string{"after"}},
			{name: "after negative", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?after=-1", as: "agent",
				status: 400, want: []string{"after"}},
			{name: "another workspace", method: "GET", path: "/api/v1/conversations/{{conv}}/messages?after=1", as: "stranger", status: 404},
		})
	})
}
