package conversation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// statusRank orders outbound statuses: a late "delivered" after "read" is
// kept in the history but does not move the message back.
var statusRank = map[string]int{MsgPending: 0, MsgSent: 1, MsgDelivered: 2, MsgRead: 3}

// statusTx applies a provider's status report on an outbound message
// identified by its provider id. A report of a message whose send is not
// recorded yet is kept, and applied once it is (see early_status.go).
func statusTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	if isWatermark(in) {
		return watermarkTx(ctx, tx, in)
	}
	r, found, err := applyStatusTx(ctx, tx, in)
	if err != nil || found {
		return r, err
	}
	r.Ignored = ignoredEarly
	return r, keepEarlyStatusTx(ctx, tx, in)
}

// applyStatusTx applies a status report of one message, if a message of
// the channel has its provider id (found).
func applyStatusTx(ctx context.Context, tx *db.Tx, in Inbound) (r Received, found bool, err error) {
	m, found, err := findMessageTx(ctx, tx, in.ChannelID, in.ProviderMessageID, "out")
	if err != nil || !found {
		return r, false, err
	}
	r.MessageID, r.ConversationID, r.ContactID = m.id, m.conv.Int64, m.contactID
	if err := takeConversationTx(ctx, tx, m.conv); err != nil {
		return r, true, err
	}
	changed, err := SetStatusTx(ctx, tx, r.MessageID, in.Status, in.Reason)
	if err == nil && !changed {
		r.Ignored = "status already recorded"
	}
	return r, true, err
}

// SetStatusTx moves an outbound message to status (with a reason when it
// failed), records the change in its history and appends message.status.
// It reports false when the message already had that status or a later one.
func SetStatusTx(ctx context.Context, tx *db.Tx, messageID int64, status, reason string) (bool, error) {
	// A reason is a provider's or integrator's words: kept, but storable.
	reason, _ = limit.Truncate(limit.Clean(reason), MaxReasonLen, "…")
	var cur string
	var workspaceID, contactID int64
	var conv sql.NullInt64
	// Read under the message's row lock on PostgreSQL: a record of a send
	// moves it through the concurrent door (internal/outbound), so the
	// status compared must be the one this write replaces.
	q := `SELECT status, workspace_id, contact_id, conversation_id FROM messages WHERE id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE`
	}
	if err := tx.QueryRow(ctx, q, messageID).
		Scan(&cur, &workspaceID, &contactID, &conv); err != nil {
		return false, fmt.Errorf("conversation: message %d: %w", messageID, err)
	}
	if cur == status || cur == MsgFailed && status != MsgFailed {
		return false, nil
	}
	now := tx.Now()
	if _, err := tx.Exec(ctx, `INSERT INTO message_statuses (message_id, status, reason, at) VALUES (?, ?, ?, ?)`, messageID, status, reason, now); err != nil {
		return false, err
	}
	forward := status == MsgFailed && statusRank[cur] < statusRank[MsgDelivered] || statusRank[status] > statusRank[cur]
	if !forward {
		return true, nil
	}
	// The reason of another status is a note (e.g. how many SMS segments
	// it took): kept in the history, never shown as a failure.
	failure := ""
	if status == MsgFailed {
		failure = reason
	}
	if _, err := tx.Exec(ctx, `UPDATE messages SET status = ?, failure_reason = ? WHERE id = ?`, status, failure, messageID); err != nil {
		return false, err
	}
	payload := map[string]any{"message_id": messageID, "status": status}
	if reason != "" {
		payload["reason"] = reason
	}
	if conv.Valid {
		payload["conversation_id"] = conv.Int64
	}
	_, err := event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.MessageStatus, ConversationID: conv.Int64,
		ContactID: contactID, Payload: payload})
	return true, err
}
