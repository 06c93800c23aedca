package event

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// WindowRead reads through the hub's window over d, as a consumer does.
func (h *Hub) WindowRead(ctx context.Context, d *db.DB, after, through int64, want func(Event) bool, limit int) ([]Event, int64, bool, error) {
	return h.window(d).read(ctx, after, through, want, limit)
}
