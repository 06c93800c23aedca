package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// LastInboundProviderID is the provider's id of the newest message the
// contact sent in the conversation on the channel, "" if none: the message
// a provider's typing sign refers to (WhatsApp marks it read with it). It
// walks the conversation's messages from the newest (messages_conversation).
func LastInboundProviderID(ctx context.Context, q db.Querier, conversationID, channelID int64) (string, error) {
	var id sql.NullString
	err := q.QueryRow(ctx, `SELECT provider_message_id FROM messages
		WHERE conversation_id = ? AND channel_id = ? AND direction = 'in' ORDER BY id DESC LIMIT 1`,
		conversationID, channelID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("conversation: newest inbound message: %w", err)
	}
	return id.String, nil
}
