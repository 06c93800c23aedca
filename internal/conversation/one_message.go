package conversation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Items that change one stored message: a provider's status report of one
// outbound message, a contact's reaction to a message, a contact's edit of
// a message they sent. On PostgreSQL they go through the concurrent door
// (db.DB.WriteConcurrent), as new messages do: each reads and then
// changes its message under the message's row lock, which a second report,
// reaction or edit of the same message waits for, and it then sees what
// the first did. Its event takes the conversation's row for its seq, and
// every other writer of a conversation locks that row before any message
// of it (the record of a send names it to the committer, internal/outbound),
// so these take the conversation first too: the batch names it
// (withMessageRows) and the change takes it again before the message
// (takeConversationTx) for a message that got its provider id after the
// batch looked. For a message in a conversation that lock alone already
// orders its changes; the message's own orders those of one in none.

// changedMessage says which message item changes, as the provider names
// it: its provider id on the item's channel, in direction ("" for either);
// ok is false for an item that changes no single message (a new message,
// an echo, a read watermark).
func changedMessage(in Inbound) (providerID, direction string, ok bool) {
	switch {
	case in.Kind == KindStatus && in.ProviderMessageID != "":
		return in.ProviderMessageID, "out", true
	case in.Kind == KindReaction && in.Target != "":
		return in.Target, "", true
	case in.Kind == KindEdit && in.Target != "":
		return in.Target, "in", true
	}
	return "", "", false
}

// changesOneMessage reports whether in changes one stored message.
func changesOneMessage(in Inbound) bool {
	_, _, ok := changedMessage(in)
	return ok
}

// storedMessage is a message as a change finds it, before locking it.
type storedMessage struct {
	id, contactID int64
	conv          sql.NullInt64
}

// messageByProviderID is findMessageTx's query. The direction is always
// a condition, both of them for either: the unique index is on (channel,
// direction, provider id), and without the middle column a probe walked
// every index entry of the channel.
const messageByProviderID = `SELECT id, contact_id, conversation_id FROM messages
	WHERE channel_id = ? AND direction IN (?, ?) AND provider_message_id = ? ORDER BY id LIMIT 1`

// findMessageTx reads the message of channel with providerID in
// direction ("" for either: the first stored); found is false when the
// channel has none (yet).
func findMessageTx(ctx context.Context, tx *db.Tx, channelID int64, providerID, direction string) (m storedMessage, found bool, err error) {
	either := [2]string{direction, direction}
	if direction == "" {
		either = [2]string{"in", "out"}
	}
	err = tx.QueryRow(ctx, messageByProviderID, channelID, either[0], either[1], providerID).Scan(&m.id, &m.contactID, &m.conv)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}

// withMessageRows names to the committer, for a webhook's items that
// change one message each, its watermarks (which change the messages
// watermarkMessagesTx finds) and its echoes (which may claim the message
// echoCandidateTx finds), the conversations of those messages
// (db.WithRowLocks), so that on PostgreSQL their batch locks those first,
// in one order with every other job's. Taken where reached, a change
// batched after a job holding the conversation, and a record of a send
// holding the message, would each wait for the other. A message not
// found names nothing (its item is ignored, or kept for it).
func withMessageRows(ctx context.Context, items []Inbound) context.Context {
	var changes []Inbound
	for _, in := range items {
		if changesOneMessage(in) || isWatermark(in) || in.Kind == KindEcho && in.ProviderMessageID != "" {
			changes = append(changes, in)
		}
	}
	if len(changes) == 0 {
		return ctx
	}
	return db.WithRowLocks(ctx, "conversations", func(ctx context.Context, tx *db.Tx) ([]int64, error) {
		var ids []int64
		for _, in := range changes {
			var msgs []storedMessage
			if isWatermark(in) {
				var err error
				if _, msgs, _, err = watermarkMessagesTx(ctx, tx, in); err != nil {
					return nil, err
				}
			} else if in.Kind == KindEcho {
				m, found, err := echoCandidateOf(ctx, tx, in)
				if err != nil {
					return nil, err
				}
				if found {
					msgs = append(msgs, m)
				}
			} else {
				providerID, direction, _ := changedMessage(in)
				m, found, err := findMessageTx(ctx, tx, in.ChannelID, providerID, direction)
				if err != nil {
					return nil, err
				}
				if found {
					msgs = append(msgs, m)
				}
			}
			for _, m := range msgs {
				if m.conv.Valid {
					ids = append(ids, m.conv.Int64)
				}
			}
		}
		return ids, nil
	})
}

// takeConversationTx takes, before a message of it, the conversation the
// batch named (withMessageRows), or, for a message that got its provider
// id after the batch looked, in the batch's order or not at all
// (db.Tx.WaitRow). A message in no conversation needs none.
func takeConversationTx(ctx context.Context, tx *db.Tx, conv sql.NullInt64) error {
	if !conv.Valid {
		return nil
	}
	return tx.WaitRow(ctx, "conversations", conv.Int64)
}
