package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// JoinIdentityTx is MoveIdentityTx for a provider that says the external
// ids from and to name one party from now on (a Telegram group upgraded
// to a supergroup), and returns the contact known by to (0: none). When
// to already names another contact — the provider, which promises no
// order, delivered the new id's messages before its notice — the two
// contacts are one: the newer is merged into the older as Merge does,
// by the system (the newer open conversation closed, everything moved),
// and the kept contact is known by to alone, the id the provider
// delivers and takes messages on.
//
// Merging deletes a contact, which no concurrent write may meet: tx must
// be a db.DB.Write's, not a WriteConcurrent's.
func (s *Service) JoinIdentityTx(ctx context.Context, tx *db.Tx, workspaceID, channelID int64, from, to string) (int64, error) {
	if from == "" || to == "" || from == to {
		return IdentityContact(ctx, tx, channelID, to)
	}
	old, err := IdentityContact(ctx, tx, channelID, from)
	if err != nil {
		return 0, err
	}
	cur, err := IdentityContact(ctx, tx, channelID, to)
	if err != nil || old == 0 {
		return cur, err
	}
	if cur == 0 {
		return old, MoveIdentityTx(ctx, tx, workspaceID, channelID, from, to)
	}
	if old != cur {
		into, gone := old, cur
		var first int64
		if err := tx.QueryRow(ctx, `SELECT id FROM contacts WHERE id IN (?, ?) ORDER BY created_at, id LIMIT 1`, old, cur).Scan(&first); err != nil {
			return 0, fmt.Errorf("contact: join identities: %w", err)
		}
		if first == cur {
			into, gone = cur, old
		}
		_, err := s.mergeTx(ctx, tx, access.System(workspaceID), into, MergeInput{From: gone})
		if apperr.KindOf(err) == apperr.KindInvalid {
			// A Workflow Builder's test contact is never merged: the two
			// stay apart rather than the provider's delivery failing for
			// good.
			return cur, nil
		}
		if err != nil {
			return 0, err
		}
		cur = into
	}
	if _, err := tx.Exec(ctx, `DELETE FROM contact_identities WHERE channel_id = ? AND external_id = ?`, channelID, from); err != nil {
		return 0, fmt.Errorf("contact: join identities: %w", err)
	}
	return cur, nil
}

// IdentityContact is the contact known on the channel by the external
// id, 0 when none is: how every inbound item and look-up finds who wrote.
func IdentityContact(ctx context.Context, q db.Querier, channelID int64, externalID string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE channel_id = ? AND external_id = ?`, channelID, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("contact: identity %q on channel %d: %w", externalID, channelID, err)
	}
	return id, nil
}
