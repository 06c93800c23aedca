package workflow

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// linkMediaTx records the stored files the definition body of workflow id
// names (a Send a Message attachment's URL …/media/{id}/{key}), so that a
// file the workflow sends stays while the workflow is: deleting a contact
// it was sent to, or the day's sweep of uploads, leaves it (see
// internal/media). Links are only added: a file dropped from the draft
// may still be sent by a published version, and every version is kept
// with the workflow; they go with it (ON DELETE CASCADE).
func linkMediaTx(ctx context.Context, tx *db.Tx, workspaceID, id int64, body []byte) error {
	for _, m := range media.IDsIn(body) {
		if _, err := tx.Exec(ctx, `INSERT INTO workflow_media (workflow_id, media_id, workspace_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, m, workspaceID); err != nil {
			return fmt.Errorf("workflow: link file %s: %w", m, err)
		}
	}
	return nil
}
