package event

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// ListForContact returns a contact's events — of the contact alone and of
// its conversations — newest first, those with an id below before (0: from
// the newest), at most limit, keeping only those viewer may see.
func ListForContact(ctx context.Context, q db.Querier, viewer access.Principal, contactID, before int64, limit int) ([]Event, error) {
	// Lists ask for one row more than their page (page.Request.Fetch) to
	// know whether another follows: 201 for the largest page, which must
	// not fall back to the default page without a cursor.
	if limit <= 0 || limit > page.MaxLimit+1 {
		limit = page.DefaultLimit
	}
	query := `SELECT ` + eventColumns + ` FROM events WHERE workspace_id = ? AND contact_id = ?`
	args := []any{viewer.WorkspaceID, contactID}
	if before > 0 {
		query += ` AND id < ?`
		args = append(args, before)
	}
	if !viewer.Unrestricted() {
		cond, condArgs := visibleTo(viewer, q.Dialect())
		query += ` AND ` + cond
		args = append(args, condArgs...)
	}
	query += ` ORDER BY contact_id DESC, id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("event: list for contact: %w", err)
	}
	return db.Collect(rows, scanEvent)
}
