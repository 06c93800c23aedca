package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// blockSummary is the closing note of the conversation a block closes.
const blockSummary = "Contact blocked"

// Block blocks (blocked) or unblocks a contact p may see, and returns it.
// Blocking closes the contact's open or snoozed conversation (source
// user, or api for a token; no closing category whatever the workspace
// requires) and from then on their messages are stored, once, but open
// no conversation, start no workflow and notify nobody
// (conversation.Receive); nobody can open one for them until they are
// unblocked. Either way the change is a contact.updated ("blocked"). Doing
// it again changes nothing.
func (s *Service) Block(ctx context.Context, p Principal, id int64, blocked bool) (Contact, error) {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := maySee(ctx, tx, p, id); err != nil {
			return err
		}
		var at int64
		err := tx.QueryRow(ctx, `SELECT COALESCE(blocked_at, 0) FROM contacts WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, id).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("contact")
		}
		if err != nil || (at != 0) == blocked {
			return err
		}
		now := tx.Now()
		if blocked {
			_, err = tx.Exec(ctx, `UPDATE contacts SET blocked_at = ?, blocked_by = ?, updated_at = ? WHERE id = ?`, now, p.UserID, now, id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE contacts SET blocked_at = NULL, blocked_by = 0, updated_at = ? WHERE id = ?`, now, id)
		}
		if err != nil {
			return fmt.Errorf("contact: block: %w", err)
		}
		if blocked {
			if err := s.closeOpenTx(ctx, tx, p, id); err != nil {
				return err
			}
		}
		_, err = event.Append(ctx, tx, event.New{WorkspaceID: p.WorkspaceID, Type: event.ContactUpdated, ContactID: id,
			Payload: map[string]any{"contact_id": id, "changed": []string{"blocked"}, "values": map[string]any{"blocked": blocked}, "user_id": p.UserID}})
		return err
	})
	if err != nil {
		return Contact{}, err
	}
	return s.Get(ctx, p, id)
}

// closeOpenTx closes the contact's open or snoozed conversation, if any.
func (s *Service) closeOpenTx(ctx context.Context, tx *db.Tx, p Principal, id int64) error {
	var conv int64
	err := tx.QueryRow(ctx, `SELECT id FROM conversations WHERE contact_id = ? AND status <> 'closed'`, id).Scan(&conv)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if s.closeConv == nil {
		return apperr.Conflict("the contact has an open conversation, and this server cannot close it")
	}
	return s.closeConv(ctx, tx, p.WorkspaceID, conv, p.UserID, blockSummary)
}

// BlockedTx says whether a contact is blocked, as tx sees it: a
// conversation opened for them (not by their message, which
// conversation.Receive keeps out) is refused meanwhile.
func BlockedTx(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var at int64
	err := tx.QueryRow(ctx, `SELECT COALESCE(blocked_at, 0) FROM contacts WHERE id = ?`, id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return at != 0, err
}

// BlockedAmongTx returns which of the contacts ids are blocked, as tx
// sees them (the receive path's batch, for the contacts whose message
// would open a conversation).
func BlockedAmongTx(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]bool, error) {
	blocked := map[int64]bool{}
	err := db.Chunked(len(ids), func(from, n int) error {
		args := make([]any, n)
		for i, id := range ids[from : from+n] {
			args[i] = id
		}
		found, err := db.QueryIDs(ctx, tx, `SELECT id FROM contacts WHERE blocked_at IS NOT NULL AND id IN (`+db.Rows("?", n)+`)`, args...)
		for _, id := range found {
			blocked[id] = true
		}
		return err
	})
	return blocked, err
}
