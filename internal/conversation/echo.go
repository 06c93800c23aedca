package conversation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// claimEchoTx recognises the echo of a message Switchboard is sending.
// A provider echoes every message the business sends, ours included, and
// the echo can arrive before the send that caused it has recorded the
// provider's id (the send's answer is still on its way, or its record
// not yet committed): the duplicate check by id then misses it, and
// storing it would show the message twice. Messenger marks our sends
// (metadata) but Instagram's echoes and an integrator's message_echo
// carry nothing of ours, so the echo is matched to the oldest message to
// this contact on this channel that is still pending, without a provider
// id, of the same type and text: it gets the echo's id now (the send's
// record then finds its id already there) and the echo is a duplicate.
// The zero Received means no such message: the echo is the business
// writing from elsewhere.
//
// A person typing, outside Switchboard, exactly the text of a message of
// ours that is being sent at that very moment would be taken for its
// echo; that is the price of never storing our own message twice.
func claimEchoTx(ctx context.Context, tx *db.Tx, in Inbound, contactID int64) (Received, error) {
	typ := in.Type
	if typ == "" {
		typ = "text"
	}
	var r Received
	var conv sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT id, conversation_id FROM messages WHERE contact_id = ? AND channel_id = ? AND direction = 'out'
		AND status = ? AND provider_message_id IS NULL AND type = ? AND text = ? ORDER BY id LIMIT 1`,
		contactID, in.ChannelID, MsgPending, typ, in.Text).Scan(&r.MessageID, &conv)
	if errors.Is(err, sql.ErrNoRows) {
		return Received{}, nil
	}
	if err != nil {
		return Received{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, in.ProviderMessageID, r.MessageID); err != nil {
		return Received{}, err
	}
	r.ContactID, r.ConversationID, r.Duplicate = contactID, conv.Int64, true
	return r, nil
}
