package workspace

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// The bounds of the auto-close setting (SPEC §4): 30 minutes to 14 days.
const (
	MinAutoCloseMinutes = 30
	MaxAutoCloseMinutes = 14 * 24 * 60
)

// dueAutoClose is conversation.DueAutoClose (this package cannot import
// conversation, whose tests import it).
const dueAutoClose = "auto_close"

// rearmAutoClose recomputes, after the workspace's auto-close setting
// changed in tx, the deadline of each of its open conversations from the
// last counted message (or the opening, if none), so a shorter delay
// takes effect at once and turning it off disarms them. Conversation
// moves the deadlines on each message (conversation/autoclose.go); this
// is the one write here to its table, kept in the setting's transaction
// so the two never disagree.
func rearmAutoClose(ctx context.Context, tx *db.Tx, workspaceID int64) error {
	var ms int64
	var contactOnly int
	if err := tx.QueryRow(ctx, `SELECT auto_close_ms, auto_close_contact_only FROM workspaces WHERE id = ?`, workspaceID).
		Scan(&ms, &contactOnly); err != nil {
		return err
	}
	if ms == 0 {
		_, err := tx.Exec(ctx, `UPDATE conversations SET auto_close_at = 0 WHERE workspace_id = ? AND auto_close_at > 0`, workspaceID)
		return err
	}
	last := `last_message_at`
	if contactOnly == 1 {
		last = `last_incoming_at`
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET auto_close_at = ? + CASE WHEN `+last+` > opened_at THEN `+last+` ELSE opened_at END
		WHERE workspace_id = ? AND status = 'open'`, ms, workspaceID); err != nil {
		return err
	}
	tx.Due(dueAutoClose, 0) // some may be due now
	return nil
}
