package event

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// ListAll returns the events of every workspace after the cursor, in id
// order, at most limit. It is for the node's own engines (the workflow
// engine consumes the whole log with one cursor), never for API callers,
// who are confined to their workspace by List.
func ListAll(ctx context.Context, q db.Querier, after int64, limit int) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT id, workspace_id, type, COALESCE(conversation_id, 0), COALESCE(contact_id, 0), seq, payload, created_at
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("event: list all: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var payload string
		var created int64
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &e.ContactID, &e.Seq, &payload, &created); err != nil {
			return nil, fmt.Errorf("event: list all: %w", err)
		}
		e.Payload = json.RawMessage(payload)
		e.CreatedAt = db.Time(created)
		out = append(out, e)
	}
	return out, rows.Err()
}
