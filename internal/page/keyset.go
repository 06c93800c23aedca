package page

// Keyset returns the SQL condition that keeps the rows after the cursor in
// an order by (key, id), both descending or both ascending, and its
// arguments; "1=1" on the first page so callers can always AND it in. key
// is a column or expression; the caller binds the cursor's Int or Text.
func (r Request) Keyset(key, id string, desc bool, keyArg func(Cursor) any) (string, []any) {
	if r.After == nil {
		return "1=1", nil
	}
	op := ">"
	if desc {
		op = "<"
	}
	// A row-value comparison: both dialects walk an index on (key, id)
	// straight to it.
	return "(" + key + ", " + id + ") " + op + " (?, ?)", []any{keyArg(*r.After), r.After.ID}
}

// ByID returns the condition for a list ordered by id alone.
func (r Request) ByID(id string, desc bool) (string, []any) {
	if r.After == nil {
		return "1=1", nil
	}
	if desc {
		return id + " < ?", []any{r.After.ID}
	}
	return id + " > ?", []any{r.After.ID}
}

// Int binds a cursor's integer key (timestamps, positions).
func Int(c Cursor) any { return c.Int }

// Text binds a cursor's text key (names).
func Text(c Cursor) any { return c.Text }

// Fetch is the LIMIT to query with: one more than the page, to know
// whether another follows (see Cut).
func (r Request) Fetch() int { return r.Limit + 1 }

// CutByID is Cut for a list ordered by id alone.
func CutByID[T any](rows []T, limit int, id func(T) int64) Page[T] {
	return Cut(rows, limit, func(v T) Cursor { return Cursor{Order: OrderID, ID: id(v)} })
}

// All asks for one page as large as any: for callers in Go that need a
// short configuration list whole (a workspace's teams, its channels).
func All() Request { return Request{Limit: MaxLimit} }
