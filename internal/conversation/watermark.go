package conversation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Watermark statuses cover at most the messages of this long before the
// watermark (Messenger's longest reply window) and this many of them: a
// watermark is about the latest messages, and one webhook must stay cheap.
const (
	watermarkSpan  = 7 * 24 * time.Hour
	watermarkLimit = 100
)

// watermarkTx applies a status to every message sent to the contact on
// the channel up to in.Watermark that has not reached it yet. A message
// counts as sent at the time its send was recorded, which is after the
// provider took it: a message recorded after the watermark is left for
// the next one, never marked too early. Read from the store, so any node
// applies the watermarks of any node's sends, after restarts too.
func watermarkTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	var r Received
	err := tx.QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE channel_id = ? AND external_id = ?`,
		in.ChannelID, in.ExternalID).Scan(&r.ContactID)
	if errors.Is(err, sql.ErrNoRows) {
		r.Ignored = "no contact has this id on the channel"
		return r, nil
	}
	if err != nil {
		return r, err
	}
	below := []string{MsgSent}
	if in.Status == MsgRead {
		below = append(below, MsgDelivered)
	}
	statuses, args := db.In(below)
	mark := in.Watermark.UnixMilli()
	ids, err := db.QueryIDs(ctx, tx, `SELECT m.id FROM messages m WHERE m.contact_id = ? AND m.channel_id = ? AND m.direction = 'out'
		AND m.status IN `+statuses+` AND m.created_at >= ?
		AND EXISTS (SELECT 1 FROM message_statuses s WHERE s.message_id = m.id AND s.status = ? AND s.at <= ?)
		ORDER BY m.id DESC LIMIT ?`,
		append(append([]any{r.ContactID, in.ChannelID}, args...), mark-watermarkSpan.Milliseconds(), MsgSent, mark, watermarkLimit)...)
	if err != nil {
		return r, err
	}
	if len(ids) == 0 {
		r.Ignored = "no sent message up to the watermark is below this status"
		return r, nil
	}
	for _, id := range ids {
		if _, err := SetStatusTx(ctx, tx, id, in.Status, ""); err != nil {
			return r, err
		}
	}
	r.MessageID = ids[0] // the latest
	var conv sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE id = ?`, r.MessageID).Scan(&conv); err != nil {
		return r, err
	}
	r.ConversationID = conv.Int64
	return r, nil
}
