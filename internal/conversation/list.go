package conversation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// List returns one page of the conversations p may see that match f, in
// f's sort, after the request's cursor: keyset pagination on (sort key,
// id), so a page costs the same at any depth and ties never repeat or
// skip a row.
func (s *Service) List(ctx context.Context, p access.Principal, f ListFilter, req page.Request) (page.Page[Conversation], error) {
	if err := f.Validate(); err != nil {
		return page.Page[Conversation]{}, err
	}
	if f.Sort == "" {
		f.Sort = SortNewest
	}
	f.now = s.db.Now()
	where, args, err := f.where(p)
	if err != nil {
		return page.Page[Conversation]{}, err
	}
	key, desc := sortOf(f.Sort)
	after, afterArgs := req.Keyset(key, "c.id", desc, page.Int)
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	// A person's list says which conversations they have not read since
	// the contact last wrote: one primary-key lookup per row of the page.
	readCol, readArgs := ``, []any{}
	if p.UserID != 0 {
		readCol = `, COALESCE((SELECT r.read_at FROM conversation_reads r WHERE r.user_id = ? AND r.conversation_id = c.id), 0)`
		readArgs = []any{p.UserID}
	}
	q := `SELECT ` + aliased + previewCols + readCol + ` FROM conversations c` + previewJoin + ` WHERE ` + where + ` AND ` + after +
		` ORDER BY ` + key + ` ` + dir + `, c.id ` + dir + ` LIMIT ?`
	args = append(append(append(readArgs, args...), afterArgs...), req.Fetch())
	rows, err := s.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return page.Page[Conversation]{}, fmt.Errorf("conversation: list: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Conversation, error) {
		var ps previewScan
		dest := ps.dest()
		var readAt int64
		if p.UserID != 0 {
			dest = append(dest, &readAt)
		}
		c, err := scan(rows, dest...)
		ps.apply(&c)
		if p.UserID != 0 {
			unread := db.Millis(c.LastIncomingAt) > readAt
			c.Unread = &unread
		}
		return c, err
	})
	if err != nil {
		return page.Page[Conversation]{}, fmt.Errorf("conversation: list: %w", err)
	}
	return page.Cut(list, req.Limit, func(c Conversation) page.Cursor {
		return page.Cursor{Order: f.Sort, Int: c.sortKey(f.Sort), ID: c.ID}
	}), nil
}

// Count returns how many conversations p may see match f. A filter on
// status, assignee, team, channel and opened source alone is counted from
// conversation_counts (kept by triggers, migration 013): a few hundred
// rows, however many conversations. Others count the conversations.
func (s *Service) Count(ctx context.Context, p access.Principal, f ListFilter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	f.fromCounts = f.summarised()
	f.now = s.db.Now() // a relative filter's count changes with time alone: counted at the request
	where, args, err := f.where(p)
	if err != nil {
		return 0, err
	}
	q := `SELECT COUNT(*) FROM conversations c WHERE ` + where
	if f.fromCounts {
		q = `SELECT COALESCE(SUM(c.n), 0) FROM ` + countsTable + ` c WHERE ` + where
	}
	var n int64
	if err := s.db.Reader().QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("conversation: count: %w", err)
	}
	return n, nil
}

// countsTable shows conversation_counts with the columns of conversations
// (NULL for none), so the same conditions and scope apply to both. It
// counts no test conversation (migration 023).
const countsTable = `(SELECT workspace_id, status, NULLIF(team_id, 0) AS team_id, NULLIF(assignee_id, 0) AS assignee_id,
	NULLIF(channel_id, 0) AS channel_id, opened_source, n FROM conversation_counts)`

// summarised reports whether conversation_counts can count f.
func (f ListFilter) summarised() bool {
	return f.ContactID == 0 && f.Tag == "" && f.Field == "" && f.Stage == "" && f.Q == "" && f.Test == "" &&
		f.LastIncomingWithin == 0 && f.LastIncomingOlderThan == 0
}

// sortKey is the value of the sort's key column, as stored.
func (c Conversation) sortKey(sort string) int64 {
	switch sort {
	case SortWaiting:
		if c.WaitingSince.IsZero() {
			return NotWaiting
		}
		return db.Millis(c.WaitingSince)
	case SortLastMessage:
		return db.Millis(c.LastMessageAt)
	}
	return db.Millis(c.OpenedAt)
}
