package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// movedTx applies a KindMoved: the contact known by FormerExternalID on
// the channel is known by ExternalID from then on. The provider's notice
// of it is no message from the contact, so nothing else is written: no
// message, no contact for an id nobody knows, no conversation and no
// event (no workflow starts on it).
func movedTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	return Received{}, contact.MoveIdentityTx(ctx, tx, in.WorkspaceID, in.ChannelID, in.FormerExternalID, in.ExternalID)
}
