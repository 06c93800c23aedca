package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// CloseForMergeTx closes, inside tx, the open (or snoozed) conversation id
// of a contact being merged into another that has an open one too: a
// contact keeps one open conversation at most. It closes with source user
// (userID set) or api, the summary as its note, and no closing category
// whatever the workspace requires. Its messages stay in it.
func CloseForMergeTx(ctx context.Context, tx *db.Tx, workspaceID, id, userID int64, summary string) error {
	source := SourceAPI
	if userID != 0 {
		source = SourceUser
	}
	_, err := CloseTx(ctx, tx, workspaceID, id, CloseInput{Source: source, UserID: userID, Summary: summary, noNotes: true})
	return err
}
