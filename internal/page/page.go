// Package page is the one way lists are paged: keyset pagination in SQL
// with opaque cursors, the same limit rules and the same response shape
// for every list of the API.
//
// A cursor is base64url of a small JSON object naming the list's order and
// the sort key and id of the last item served. It is opaque to clients and
// not signed: a changed cursor only moves where the next page starts, and
// one that does not decode, or was made for another order, is a 400.
package page

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Limit rules shared by every list.
const (
	DefaultLimit = 50
	MaxLimit     = 200
	// maxCursor bounds a cursor's text, and must pass every cursor the
	// server makes. The longest has for its sort key a name of limit.Name
	// characters, each written in JSON as a 6-byte escape (\u003c for <,
	// \u0001), beside the order, the id and the braces (under 100 bytes),
	// all in base64 (4 characters per 3 bytes): about 1,700 characters.
	maxCursor = (6*limit.Name + 100 + 2) / 3 * 4
)

// Page is the envelope of every list: the items and the cursor of the next
// page ("" on the last page).
type Page[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor"`
}

// Cursor is the position after which the next page starts: the sort key of
// the last item served (an integer or a text, per the order) and its id.
type Cursor struct {
	Order string `json:"o"`
	Int   int64  `json:"k,omitempty"`
	Text  string `json:"t,omitempty"`
	ID    int64  `json:"i"`
}

// Encode returns the cursor's opaque text.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a struct of strings and integers always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor made for order; any other text is a 400.
func Decode(s, order string) (Cursor, error) {
	bad := apperr.BadRequest("query parameter cursor is not a cursor of this list: pass back next_cursor unchanged")
	if len(s) > maxCursor {
		return Cursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(raw) {
		return Cursor{}, bad
	}
	var c Cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.Order != order || c.ID <= 0 {
		return Cursor{}, bad
	}
	return c, nil
}

// Request is what a client asked of a list: how many items, after where.
type Request struct {
	Limit int
	// After is the decoded cursor; nil for the first page.
	After *Cursor
}

// Parse reads ?limit= and ?cursor= for a list in the given order. limit is
// 1–200 (absent: 50); anything else, like a cursor that is not one of this
// order's, is a 400 that says what is expected.
func Parse(q url.Values, order string) (Request, error) {
	n, err := ParseLimit(q)
	if err != nil {
		return Request{}, err
	}
	req := Request{Limit: n}
	if s := q.Get("cursor"); s != "" {
		c, err := Decode(s, order)
		if err != nil {
			return req, err
		}
		req.After = &c
	}
	return req, nil
}

// ParseLimit reads ?limit=: 1–200, 50 when absent, a 400 otherwise. Lists
// that are not keyset-paged (the event log, read after a position) use it
// alone.
func ParseLimit(q url.Values) (int, error) {
	s := q.Get("limit")
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, apperr.BadRequest("query parameter limit must be an integer from 1 to %d (default %d)", MaxLimit, DefaultLimit)
	}
	return n, nil
}

// Cut makes the page from rows fetched with LIMIT limit+1: the extra row,
// when present, only says another page follows, and the cursor points
// after the last row kept. The last page has no cursor, never an empty
// page after a full one.
func Cut[T any](rows []T, limit int, cursorOf func(T) Cursor) Page[T] {
	if rows == nil {
		rows = []T{}
	}
	if len(rows) <= limit {
		return Page[T]{Data: rows}
	}
	rows = rows[:limit]
	return Page[T]{Data: rows, NextCursor: cursorOf(rows[limit-1]).Encode()}
}

// OrderID names the order of lists sorted by id alone, oldest first.
const OrderID = "id"

// OrderIDDesc names the newest-first order of a list also served oldest
// first (a conversation's messages, ?order=desc): a cursor of one order
// is a 400 in the other, never a page read the wrong way from it.
const OrderIDDesc = "id_desc"

// First is the first page of a list at the default size: for callers in
// Go that read one page, or walk with Next.
func First() Request { return Request{Limit: DefaultLimit} }

// Next returns the request for the page after p, and false on the last
// page: for callers in Go that walk a whole list.
func Next[T any](req Request, p Page[T], order string) (Request, bool) {
	if p.NextCursor == "" {
		return req, false
	}
	c, err := Decode(p.NextCursor, order)
	if err != nil {
		return req, false
	}
	req.After = &c
	return req, true
}
