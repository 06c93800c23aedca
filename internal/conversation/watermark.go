package conversation

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Watermark statuses cover at most the messages of this long before the
// watermark (Messenger's longest reply window) and this many of them: a
// watermark is about the latest messages, and one webhook must stay cheap.
const (
	watermarkSpan  = 7 * 24 * time.Hour
	watermarkLimit = 100
)

// isWatermark reports whether in is a status report up to a time (a
// watermark) rather than of one message.
func isWatermark(in Inbound) bool {
	return in.Kind == KindStatus && in.ProviderMessageID == "" && !in.Watermark.IsZero()
}

// watermarkMessagesTx reads the contact in.ExternalID names on the
// channel (false when it names none) and the messages sent to it there
// that watermark in moves: those whose send was recorded up to the
// watermark and that are below its status, latest first. A message counts
// as sent at the time its send was recorded, which is after the provider
// took it: a message recorded after the watermark is left for the next
// one, never marked too early. Read from the store, so any node applies
// the watermarks of any node's sends, after restarts too.
func watermarkMessagesTx(ctx context.Context, tx *db.Tx, in Inbound) (contactID int64, msgs []storedMessage, known bool, err error) {
	if contactID, err = contact.IdentityContact(ctx, tx, in.ChannelID, in.ExternalID); err != nil || contactID == 0 {
		return 0, nil, false, err
	}
	below := []string{MsgSent}
	if in.Status == MsgRead {
		below = append(below, MsgDelivered)
	}
	statuses, args := db.In(below)
	mark := in.Watermark.UnixMilli()
	rows, err := tx.Query(ctx, `SELECT m.id, m.contact_id, m.conversation_id FROM messages m WHERE m.contact_id = ? AND m.channel_id = ? AND m.direction = 'out'
		AND m.status IN `+statuses+` AND m.created_at >= ?
		AND EXISTS (SELECT 1 FROM message_statuses s WHERE s.message_id = m.id AND s.status = ? AND s.at <= ?)
		ORDER BY m.id DESC LIMIT ?`,
		append(append([]any{contactID, in.ChannelID}, args...), mark-watermarkSpan.Milliseconds(), MsgSent, mark, watermarkLimit)...)
	if err != nil {
		return 0, nil, false, err
	}
	msgs, err = db.Collect(rows, func(rows *sql.Rows) (storedMessage, error) {
		var m storedMessage
		err := rows.Scan(&m.id, &m.contactID, &m.conv)
		return m, err
	})
	return contactID, msgs, true, err
}

// watermarkTx applies a status to every message watermarkMessagesTx
// finds. On PostgreSQL it runs through the concurrent door: the batch
// names the messages' conversations (withMessageRows), each is taken
// again before its messages, and each message's status is read and moved
// under its row lock, only forward (SetStatusTx), so a report, record or
// another watermark racing it leaves each message at the furthest status.
func watermarkTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	var r Received
	contactID, msgs, known, err := watermarkMessagesTx(ctx, tx, in)
	if err != nil {
		return r, err
	}
	if !known {
		r.Ignored = "no contact has this id on the channel"
		return r, nil
	}
	r.ContactID = contactID
	if len(msgs) == 0 {
		r.Ignored = "no sent message up to the watermark is below this status"
		return r, nil
	}
	for _, m := range msgs {
		if err := takeConversationTx(ctx, tx, m.conv); err != nil {
			return r, err
		}
		if _, err := SetStatusTx(ctx, tx, m.id, in.Status, ""); err != nil {
			return r, err
		}
	}
	r.MessageID, r.ConversationID = msgs[0].id, msgs[0].conv.Int64 // the latest
	return r, nil
}
