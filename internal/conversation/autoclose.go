package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// Auto-close (SPEC §4): a workspace may close conversations after a delay
// (workspaces.auto_close_ms, 30 minutes to 14 days; 0: never), in one of
// two modes (workspaces.auto_close_mode):
//   - inactivity: after the delay without a message; every message resets
//     the wait, or only the contact's (auto_close_contact_only);
//   - awaiting_contact (respond.io's): after the delay without the
//     contact's reply to the last message a person of the workspace sent.
//     Only a person's message arms the deadline, the contact's disarms
//     it, any other (workflow, AI agent, workspace token, echo) leaves it.
//
// The deadline is kept in the row (conversations.auto_close_at, 0: not
// armed): every message moves it in the statement that stores the
// message, and the node's runner of timed work closes what is due.
// A snoozed conversation is never auto-closed: snoozing disarms it, and
// waking re-arms it from then. Changing the setting re-arms the
// workspace's open conversations (workspace.Service.Update).

// DueAutoClose names the auto-close work for db.Tx.Due.
const DueAutoClose = "auto_close"

// modeAwaitingContact is workspace.AutoCloseAwaitingContact, the mode
// the SQL here names as a literal.
const modeAwaitingContact = "awaiting_contact"

// Who a message is from, as auto-close counts it: armAutoClose's second
// argument.
const (
	byContact = "contact"
	// byPerson is a person of the workspace: the composer, or the API on
	// a user's behalf (an AI draft a person sends is theirs).
	byPerson = "person"
	// byOther is a workflow, an AI agent, a workspace token or an echo:
	// the business, but no person answering the contact from here (an
	// echo may be anyone's, typed on a phone or sent by another tool).
	byOther = "other"
)

// armAutoClose is the SET clause that moves the deadline of a conversation
// being updated for a message at ? (the first argument) from ? (the
// second, byContact, byPerson or byOther), as the workspace's mode says:
//   - inactivity: to the message's time plus the delay, for a contact's
//     message always, for another only if the workspace counts every
//     message;
//   - awaiting_contact: a person's message arms it at its time plus the
//     delay, a contact's disarms it (0).
//
// Otherwise (no auto-close, a message that does not count), the deadline
// stays as it is. One expression in the UPDATE that stores the message,
// the hot path: the arguments are named once, in a row of their own, for
// the CASE to read as often as it needs.
const armAutoClose = `auto_close_at = COALESCE((SELECT CASE
		WHEN w.auto_close_mode = 'awaiting_contact' THEN CASE arm.from_whom WHEN 'contact' THEN 0 WHEN 'person' THEN arm.at_ms + w.auto_close_ms END
		WHEN arm.from_whom = 'contact' OR w.auto_close_contact_only = 0 THEN arm.at_ms + w.auto_close_ms END
	FROM workspaces w, (SELECT CAST(? AS BIGINT) AS at_ms, CAST(? AS TEXT) AS from_whom) arm
	WHERE w.id = conversations.workspace_id AND w.auto_close_ms > 0), auto_close_at)`

// armedOnOpening says, of a workspace w, whether a conversation opening
// is born with a deadline: in inactivity mode the opening counts as a
// message; awaiting_contact waits for a person's message.
const armedOnOpening = `w.auto_close_ms > 0 AND w.auto_close_mode <> 'awaiting_contact'`

// openingDelay is the delay of workspace w that a conversation opening is
// armed with (0: none), for the receive batches that read it once per
// workspace.
const openingDelay = `CASE WHEN ` + armedOnOpening + ` THEN w.auto_close_ms ELSE 0 END`

// awaitsContact says of a conversation being updated whether a person
// wrote in it after the contact's last message (or the contact never
// wrote): in awaiting_contact mode, whether it has a deadline.
// workspace.rearmAutoClose says the same. A person's message and the
// contact's in the same millisecond count as the contact's last: better
// a conversation left open than one closed on a contact owed an answer.
const awaitsContact = `conversations.last_human_sent_at > conversations.last_incoming_at`

// autoCloseArmed tells the runner of a deadline written in tx (0: none).
// The transaction keeps the earliest deadline of each kind (db.Tx.Due),
// so a batch arms each of its rows' deadlines rather than its minimum.
func autoCloseArmed(tx *db.Tx, at int64) {
	if at > 0 {
		tx.Due(DueAutoClose, at)
	}
}

// rearmAutoCloseTx arms a conversation that wakes from a snooze at now,
// the wait starting again from then: always in inactivity mode, in
// awaiting_contact mode only if it awaits its contact.
func rearmAutoCloseTx(ctx context.Context, tx *db.Tx, id, now int64) error {
	var at int64
	err := tx.QueryRow(ctx, `UPDATE conversations SET auto_close_at = COALESCE((SELECT ? + w.auto_close_ms FROM workspaces w
		WHERE w.id = conversations.workspace_id AND w.auto_close_ms > 0 AND (w.auto_close_mode <> 'awaiting_contact' OR `+awaitsContact+`)), 0)
		WHERE id = ? RETURNING auto_close_at`, now, id).Scan(&at)
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
	var status, mode string
	var contactOnly int
	if err := tx.QueryRow(ctx, `SELECT c.workspace_id, c.status, c.auto_close_at, w.auto_close_ms, w.auto_close_contact_only, w.auto_close_mode
		FROM conversations c JOIN workspaces w ON w.id = c.workspace_id WHERE c.id = ?`, id).Scan(&ws, &status, &at, &ms, &contactOnly, &mode); err != nil {
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
	_, err := CloseTx(ctx, tx, ws, id, CloseInput{Source: SourceAutoClose, Summary: autoCloseSummary(mode, contactOnly == 1, ms)})
	return err
}

// autoCloseSummary is the closing summary of an auto-close, which says
// why: the people reading the conversation later were not there.
func autoCloseSummary(mode string, contactOnly bool, ms int64) string {
	minutes := ms / 60000
	switch {
	case mode == modeAwaitingContact:
		return fmt.Sprintf("Closed automatically: the contact did not reply for %d minutes.", minutes)
	case contactOnly:
		return fmt.Sprintf("Closed automatically: no message from the contact for %d minutes.", minutes)
	}
	return fmt.Sprintf("Closed automatically: no message for %d minutes.", minutes)
}
