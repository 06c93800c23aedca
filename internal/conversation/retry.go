package conversation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Retry sends a failed outbound message again, when a person asks (the
// web app's Retry beside a failure): its job goes back to the queue, due
// now, with its attempts counted from zero, and the message is pending
// again. Only a failed message of a conversation p may see, still open,
// can be retried, whether its delivery failed or the provider reported it
// failed afterwards; the message keeps its id, so the timeline shows one
// message whose history says it failed, then what happened next.
func (s *Service) Retry(ctx context.Context, p Principal, messageID int64) (Message, error) {
	if _, err := s.GetMessage(ctx, p, messageID); err != nil {
		return Message{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var status, direction string
		var conv sql.NullInt64
		var contactID int64
		err := tx.QueryRow(ctx, `SELECT status, direction, conversation_id, contact_id FROM messages WHERE workspace_id = ? AND id = ?`,
			p.WorkspaceID, messageID).Scan(&status, &direction, &conv, &contactID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("message")
		}
		if err != nil {
			return err
		}
		if direction != "out" || status != MsgFailed {
			return apperr.Conflict("message %d is %s: only a failed outbound message can be retried", messageID, status)
		}
		if conv.Valid {
			if _, err := getOpen(ctx, tx, p.WorkspaceID, conv.Int64); err != nil {
				return err
			}
		}
		// The job failed for good, or it was done: the provider took the
		// message and then reported it failed (a status webhook). Then
		// the parts it delivered failed with it, and are forgotten, so the
		// next attempt sends the message whole rather than skip them all;
		// so is the provider's id of that send (below): the new send's
		// echo is matched to a pending message without one (claimEchoTx),
		// and a late report of the old send must not move the new one.
		now := tx.Now()
		res, err := tx.Exec(ctx, `UPDATE outbound_jobs SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = 0, last_error = '',
			parts = CASE WHEN state = 'done' THEN '' ELSE parts END
			WHERE message_id = ? AND state IN ('failed', 'done')`, now, messageID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return apperr.Conflict("message %d has no failed delivery to retry", messageID)
		}
		tx.Due(DueOutbound, now)
		if _, err := tx.Exec(ctx, `UPDATE messages SET status = ?, failure_reason = '', provider_message_id = NULL WHERE id = ?`, MsgPending, messageID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO message_statuses (message_id, status, reason, at) VALUES (?, ?, 'retried', ?)`,
			messageID, MsgPending, now); err != nil {
			return err
		}
		_, err = event.Append(ctx, tx, event.New{WorkspaceID: p.WorkspaceID, Type: event.MessageStatus, ConversationID: conv.Int64,
			ContactID: contactID, Payload: map[string]any{"message_id": messageID, "status": MsgPending, "reason": "retried",
				"conversation_id": conv.Int64, "user_id": p.UserID}})
		return err
	})
	if err != nil {
		return Message{}, err
	}
	return s.GetMessage(ctx, p, messageID)
}
