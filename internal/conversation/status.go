package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// statusRank orders outbound statuses: a late "delivered" after "read" is
// kept in the history but does not move the message back.
var statusRank = map[string]int{MsgPending: 0, MsgSent: 1, MsgDelivered: 2, MsgRead: 3}

// statusOfOneMessage reports whether in is a status report naming one
// outbound message by its provider id (not a read watermark, which moves
// every message of a contact up to a time).
func statusOfOneMessage(in Inbound) bool {
	return in.Kind == KindStatus && in.ProviderMessageID != ""
}

// withStatusRows names to the committer, for a webhook's status reports
// of one message each, the conversations of the messages they report on
// (db.WithRowLocks), so that on PostgreSQL their batch locks those first,
// in one order with every other job's. A status takes its message's row
// lock and then its conversation's, for the seq of its event, while
// every other writer of a conversation locks the conversation first (a
// record of a send, internal/outbound, names it too): taken where
// reached, a status batched after a job holding the conversation and a
// record holding the message would each wait for the other. A message
// not found names nothing (its report is ignored).
func withStatusRows(ctx context.Context, items []Inbound) context.Context {
	var reported []Inbound
	for _, in := range items {
		if statusOfOneMessage(in) {
			reported = append(reported, in)
		}
	}
	if len(reported) == 0 {
		return ctx
	}
	return db.WithRowLocks(ctx, "conversations", func(ctx context.Context, tx *db.Tx) ([]int64, error) {
		var ids []int64
		for _, in := range reported {
			var conv sql.NullInt64
			err := tx.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE channel_id = ? AND direction = 'out' AND provider_message_id = ?`,
				in.ChannelID, in.ProviderMessageID).Scan(&conv)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
			if conv.Valid {
				ids = append(ids, conv.Int64)
			}
		}
		return ids, nil
	})
}

// statusTx applies a provider's status report on an outbound message
// identified by its provider id. A report of a message whose send is not
// recorded yet is kept, and applied once it is (see early_status.go).
func statusTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	if in.ProviderMessageID == "" && !in.Watermark.IsZero() {
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
	var conv sql.NullInt64
	err = tx.QueryRow(ctx, `SELECT id, conversation_id, contact_id FROM messages WHERE channel_id = ? AND direction = 'out' AND provider_message_id = ?`,
		in.ChannelID, in.ProviderMessageID).Scan(&r.MessageID, &conv, &r.ContactID)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	r.ConversationID = conv.Int64
	// The conversation before the message, as every writer takes them.
	// The batch named it (withStatusRows) unless the message got its
	// provider id after the batch looked: then it is taken here, in the
	// batch's order or not at all (db.Tx.WaitRow).
	if conv.Valid {
		if err := tx.WaitRow(ctx, "conversations", conv.Int64); err != nil {
			return r, true, err
		}
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
