package contact

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Principal is who acts on a contact; see package access. The Service's
// reads and writes of existing contacts take one and answer a contact the
// principal may not see exactly like one that does not exist. A
// restricted agent sees a contact when it may see at least one of the
// contact's conversations, or when the contact has no conversation at all
// (access.Principal.ContactScope). The functions ending in Tx take none:
// they are the engine's.
type Principal = access.Principal

// maySee refuses, inside tx, a contact the principal may not see, as not
// found; for an unrestricted principal it costs nothing (the change itself
// finds a missing contact).
func maySee(ctx context.Context, tx *db.Tx, p Principal, id int64) error {
	if p.Unrestricted() {
		return nil
	}
	scope, args := p.ContactScope("c")
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contacts c WHERE c.workspace_id = ? AND c.id = ? AND `+scope,
		append([]any{p.WorkspaceID, id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound("contact")
	}
	return nil
}
