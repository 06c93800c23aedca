package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// Auto-close (SPEC §4): a workspace may close conversations that went
// without a message for a while (workspaces.auto_close_ms, 30 minutes to
// 14 days; 0: never), optionally counting only the contact's messages.
// The deadline is kept in the row (conversations.auto_close_at, 0: not
// armed): every counted message moves it in the transaction that stores
// the message, and the node's runner of timed work closes what is due.
// A snoozed conversation is never auto-closed: snoozing disarms it, and
// waking re-arms it from then. Changing the setting re-arms the
// workspace's open conversations (workspace.Service.Update).

// DueAutoClose names the auto-close work for db.Tx.Due.
const DueAutoClose = "auto_close"

// armAutoClose is the SET clause that moves the deadline of a conversation
// being updated to a message at ? (the first argument) plus the
// workspace's delay: for a contact's message (second argument 1) always,
// for another only if the workspace counts every message. When the
// workspace has no auto-close, or the message does not count, the
// deadline stays as it is.
const armAutoClose = `auto_close_at = COALESCE((SELECT ? + w.auto_close_ms FROM workspaces w
	WHERE w.id = conversations.workspace_id AND w.auto_close_ms > 0 AND (? = 1 OR w.auto_close_contact_only = 0)), auto_close_at)`

// autoCloseArmed tells the runner of a deadline written in tx (0: none).
// The transaction keeps the earliest deadline of each kind (db.Tx.Due),
// so a batch arms each of its rows' deadlines rather than its minimum.
func autoCloseArmed(tx *db.Tx, at int64) {
	if at > 0 {
		tx.Due(DueAutoClose, at)
	}
}

// rearmAutoCloseTx arms a conversation that wakes from a snooze at now.
func rearmAutoCloseTx(ctx context.Context, tx *db.Tx, id, now int64) error {
	var at int64
	err := tx.QueryRow(ctx, `UPDATE conversations SET `+armAutoClose+` WHERE id = ? RETURNING auto_close_at`, now, 1, id).Scan(&at)
	autoCloseArmed(tx, at)
	return err
}

// AutoCloseWork is auto-close as a kind of the node's timed work.
func (s *Service) AutoCloseWork() due.Kind {
	return due.Kind{Name: DueAutoClose, Pass: s.autoCloseDue, Retry: 5 * time.Second, Backlog: due.Overdue(s.db,
		`SELECT COUNT(*), COALESCE(MIN(auto_close_at), 0) FROM conversations WHERE auto_close_at > 0 AND auto_close_at <= ?`)}
}

const autoCloseBatch = 200

// autoCloseDue closes the conversations whose deadline has come, a batch
// in one transaction, and returns the next deadline (zero if none).
func (s *Service) autoCloseDue(ctx context.Context) (time.Time, error) {
	now := s.db.Now()
	ids, err := db.QueryIDs(ctx, s.db.Reader(), `SELECT id FROM conversations WHERE auto_close_at > 0 AND auto_close_at <= ?
		ORDER BY auto_close_at LIMIT ?`, now, autoCloseBatch)
	if err != nil {
		return time.Time{}, err
	}
	if len(ids) > 0 {
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			for _, id := range ids {
				if err := autoCloseTx(ctx, tx, id, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return time.Time{}, fmt.Errorf("conversation: auto-close: %w", err)
		}
		if len(ids) == autoCloseBatch {
			return db.Time(now), nil // more may be due: look again at once
		}
	}
	var next int64
	err = s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(auto_close_at), 0) FROM conversations WHERE auto_close_at > 0`).Scan(&next)
	return db.Time(next), err
}

// autoCloseTx closes conversation id if it is still due at now: a
// message, another node or a snooze may have moved or cleared its
// deadline since the read (on PostgreSQL the write lock makes this
// transaction see what committed before it).
func autoCloseTx(ctx context.Context, tx *db.Tx, id, now int64) error {
	var ws, at, ms int64
	var status string
	var contactOnly int
	if err := tx.QueryRow(ctx, `SELECT c.workspace_id, c.status, c.auto_close_at, w.auto_close_ms, w.auto_close_contact_only
		FROM conversations c JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = ?`, id).Scan(&ws, &status, &at, &ms, &contactOnly); err != nil {
		return err
	}
	switch {
	case at == 0 || at > now:
		return nil
	case status != StatusOpen || ms == 0:
		// Snoozed (it is re-armed when it wakes), or the setting is off.
		_, err := tx.Exec(ctx, `UPDATE conversations SET auto_close_at = 0 WHERE id = ?`, id)
		return err
	}
	what := "no message"
	if contactOnly == 1 {
		what = "no message from the contact"
	}
	_, err := CloseTx(ctx, tx, ws, id, CloseInput{Source: SourceAutoClose,
		Summary: fmt.Sprintf("Closed automatically: %s for %d minutes.", what, ms/60000)})
	return err
}
