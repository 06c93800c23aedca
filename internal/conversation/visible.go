package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Principal is who acts on a conversation; see package access. The
// Service's methods take one and answer a conversation the principal may
// not see exactly like one that does not exist (apperr.NotFound). The
// functions ending in Tx take none: they are the engine's (workflows,
// routing, channels), which acts for the whole workspace.
type Principal = access.Principal

// see returns conversation id as q sees it, if p may see it.
func see(ctx context.Context, q db.Querier, p Principal, id int64) (Conversation, error) {
	scope, args := p.ConversationScope("")
	c, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM conversations WHERE workspace_id = ? AND id = ? AND `+scope,
		append([]any{p.WorkspaceID, id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, apperr.NotFound("conversation")
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("conversation: get: %w", err)
	}
	return c, nil
}

// mayAct refuses, inside the transaction of a change, a conversation the
// principal may not see, as not found. For an unrestricted principal it
// costs nothing: the change itself finds a missing conversation.
func mayAct(ctx context.Context, tx *db.Tx, p Principal, id int64) error {
	if p.Unrestricted() {
		return nil
	}
	_, err := see(ctx, tx, p, id)
	return err
}

// mayUseContact refuses, inside tx, a contact the principal may not see
// (see access.Principal.ContactScope), as not found.
func mayUseContact(ctx context.Context, tx *db.Tx, p Principal, contactID int64) error {
	if p.Unrestricted() {
		return nil
	}
	scope, args := p.ContactScope("ct")
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contacts ct WHERE ct.workspace_id = ? AND ct.id = ? AND `+scope,
		append([]any{p.WorkspaceID, contactID}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("contact")
	}
	return nil
}
