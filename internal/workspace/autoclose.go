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

// The auto-close modes: what starts and resets the wait.
const (
	// AutoCloseInactivity (issue 8's, the default): a conversation closes
	// after the delay without a message; every message resets the wait,
	// or only the contact's with auto_close_contact_only.
	AutoCloseInactivity = "inactivity"
	// AutoCloseAwaitingContact (SPEC §4, respond.io's): a conversation
	// closes when the contact has not replied for the delay since the
	// last message a person of the workspace sent; only such a message
	// starts or resets the wait, the contact's reply cancels it.
	AutoCloseAwaitingContact = "awaiting_contact"
)

// dueAutoClose is conversation.DueAutoClose (this package cannot import
// conversation, whose tests import it).
const dueAutoClose = "auto_close"

// rearmAutoClose recomputes, after the workspace's auto-close setting
// changed in tx, the deadline of each of its open conversations, so a
// shorter delay takes effect at once, a new mode applies to the
// conversations already open and turning it off disarms them.
// Conversation moves the deadlines on each message
// (conversation/autoclose.go); this is the one write here to its table,
// kept in the setting's transaction so the two never disagree.
func rearmAutoClose(ctx context.Context, tx *db.Tx, workspaceID int64) error {
	var ms int64
	var contactOnly int
	var mode string
	if err := tx.QueryRow(ctx, `SELECT auto_close_ms, auto_close_contact_only, auto_close_mode FROM workspaces WHERE id = ?`, workspaceID).
		Scan(&ms, &contactOnly, &mode); err != nil {
		return err
	}
	if ms == 0 {
		_, err := tx.Exec(ctx, `UPDATE conversations SET auto_close_at = 0 WHERE workspace_id = ? AND auto_close_at > 0`, workspaceID)
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET auto_close_at = `+rearmedDeadline(mode, contactOnly == 1)+`
		WHERE workspace_id = ? AND status = 'open'`, ms, workspaceID); err != nil {
		return err
	}
	tx.Due(dueAutoClose, 0) // some may be due now
	return nil
}

// rearmedDeadline is the SQL of an open conversation's deadline under
// the setting, given the delay (its one argument): from the last counted
// message, or the opening if none, in inactivity mode; in
// awaiting_contact mode from the last message a person sent if the
// contact has not written since (conversation.awaitsContact), else none.
func rearmedDeadline(mode string, contactOnly bool) string {
	if mode == AutoCloseAwaitingContact {
		return `CASE WHEN last_human_sent_at > last_incoming_at THEN ? + last_human_sent_at ELSE 0 END`
	}
	last := `last_message_at`
	if contactOnly {
		last = `last_incoming_at`
	}
	return `? + CASE WHEN ` + last + ` > opened_at THEN ` + last + ` ELSE opened_at END`
}
