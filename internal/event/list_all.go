package event

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// ListAll returns the events of every workspace after the cursor, in id
// order, at most limit. It is for the node's own engines (the workflow
// engine consumes the whole log with one cursor), never for API callers,
// who are confined to their workspace by List.
func ListAll(ctx context.Context, q db.Querier, after int64, limit int) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("event: list all: %w", err)
	}
	return db.Collect(rows, scanEvent)
}
