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
//
// It stops at the event horizon (see db.DB.EventHorizon), so a caller that
// moves its cursor to the last event returned never skips one that
// commits late.
func ListAll(ctx context.Context, q db.Querier, after int64, limit int) ([]Event, error) {
	horizon, err := q.EventHorizon(ctx)
	if err != nil {
		return nil, fmt.Errorf("event: list all: %w", err)
	}
	if horizon <= after {
		return []Event{}, nil
	}
	list, err := listAllThrough(ctx, q, after, horizon, limit)
	if err != nil {
		return nil, fmt.Errorf("event: list all: %w", err)
	}
	return list, nil
}
