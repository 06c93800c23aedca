package page

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

func TestParse(t *testing.T) {
	good := Cursor{Order: "last_message", Int: 1700000000000, ID: 42}.Encode()
	other := Cursor{Order: "opened", Int: 1, ID: 42}.Encode()
	for _, tc := range []struct {
		query string
		limit int
		after *Cursor
		bad   string
	}{
		{query: "", limit: 50},
		{query: "limit=1", limit: 1},
		{query: "limit=200", limit: 200},
		{query: "limit=0", bad: "limit"},
		{query: "limit=201", bad: "limit"},
		{query: "limit=-1", bad: "limit"},
		{query: "limit=1e2", bad: "limit"},
		{query: "limit=abc", bad: "limit"},
		{query: "cursor=" + good, limit: 50, after: &Cursor{Order: "last_message", Int: 1700000000000, ID: 42}},
		{query: "cursor=" + other, bad: "cursor"},
		{query: "cursor=" + good[:len(good)-2], bad: "cursor"},
		{query: "cursor=42", bad: "cursor"},
		{query: "cursor=" + strings.Repeat("a", 50_000), bad: "cursor"},
		{query: "cursor=%00", bad: "cursor"},
		{query: "cursor=" + Cursor{Order: "last_message", ID: 0}.Encode(), bad: "cursor"},
	} {
		q, _ := url.ParseQuery(tc.query)
		req, err := Parse(q, "last_message")
		if tc.bad != "" {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindBadRequest || !strings.Contains(e.Message, tc.bad) {
				t.Errorf("%s: err = %v, want a 400 naming %s", tc.query, err, tc.bad)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if req.Limit != tc.limit || (req.After == nil) != (tc.after == nil) || (req.After != nil && *req.After != *tc.after) {
			t.Errorf("%s: got %+v (after %+v), want limit %d after %+v", tc.query, req, req.After, tc.limit, tc.after)
		}
	}
}

func TestCut(t *testing.T) {
	cur := func(n int) Cursor { return Cursor{Order: "id", ID: int64(n)} }
	if p := Cut([]int{1, 2}, 2, cur); p.NextCursor != "" || len(p.Data) != 2 {
		t.Errorf("a page of exactly limit rows: %+v, want no cursor", p)
	}
	p := Cut([]int{1, 2, 3}, 2, cur)
	if len(p.Data) != 2 || p.NextCursor != cur(2).Encode() {
		t.Errorf("limit+1 rows: %+v, want 2 and a cursor after 2", p)
	}
	if p := Cut[int](nil, 2, cur); p.Data == nil {
		t.Error("an empty page must encode as [] not null")
	}
}

func TestKeyset(t *testing.T) {
	r := Request{Limit: 2, After: &Cursor{Order: "o", Int: 7, ID: 9}}
	sql, args := r.Keyset("c.last_message_at", "c.id", true, Int)
	if sql != "(c.last_message_at, c.id) < (?, ?)" || args[0] != int64(7) || args[1] != int64(9) {
		t.Errorf("got %s %v", sql, args)
	}
	if sql, _ := (Request{}).Keyset("k", "id", false, Int); sql != "1=1" {
		t.Errorf("first page: %s", sql)
	}
}

// Every cursor the server hands out decodes again, whatever the sort key
// of its last item: lists are ordered by names of up to limit.Name
// characters (tags and categories by theirs, of up to 100), and a name of
// emoji (4 bytes each) or of characters JSON escapes (<, >, &: 6 bytes
// each) made a next_cursor over the bound, refused as a 400, so the list
// could not be paged past it.
func TestCursorOfALongNameDecodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
	}{
		{"ascii", strings.Repeat("a", limit.Name)},
		{"emoji tag", strings.Repeat("😀", limit.Label)},
		{"emoji name", strings.Repeat("😀", limit.Name)},
		{"escaped by JSON", strings.Repeat("&", limit.Name)},
		{"control characters", strings.Repeat("\x01", limit.Name)},
	} {
		c := Cursor{Order: "name", Text: tc.text, ID: 1 << 62}
		got, err := Decode(c.Encode(), "name")
		if err != nil || got != c {
			t.Errorf("%s: the cursor (%d characters) decoded as %+v, %v", tc.name, len(c.Encode()), got, err)
		}
	}
}
