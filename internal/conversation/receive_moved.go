package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// movedTx applies a KindMoved: the contact known by FormerExternalID on
// the channel is known by ExternalID from then on. The provider's notice
// of it is no message from the contact, so no message is written, no
// contact made for an id nobody knows, no conversation opened and no
// message event appended (no workflow starts on it).
//
// Should ExternalID already name another contact (its messages came
// before the notice), the two are merged (contact.Service.JoinIdentityTx),
// which deletes one: tx is a Write's, so no webhook written concurrently
// meets the contact gone.
func (s *Service) movedTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	id, err := s.contacts.JoinIdentityTx(ctx, tx, in.WorkspaceID, in.ChannelID, in.FormerExternalID, in.ExternalID)
	return Received{ContactID: id}, err
}
