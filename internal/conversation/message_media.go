package conversation

import (
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// The files a message names are linked to it in message_media as it is
// written (migration 057), so that deleting its contact finds them with
// an index read instead of reading every message's content, and an
// upload is known to be sent. The rows go in with the write's other
// deferred rows (db.Tx.InsertLater): on the receive path one multi-row
// INSERT for the whole batch, and none at all for a batch of messages
// that name no file, most of them.

// linkMediaLater links message id of the workspace to the files content
// names (media.IDsIn) but not old, the content it had before (an edit's
// earlier version; nil for a new message).
func linkMediaLater(tx *db.Tx, workspaceID, messageID int64, content, old []byte) {
	ids := media.IDsIn(content)
	if len(ids) == 0 {
		return
	}
	had := media.IDsIn(old)
	for _, id := range ids {
		if !slices.Contains(had, id) {
			linkLater(tx, workspaceID, messageID, id)
		}
	}
}

// linkLater links message id of the workspace to the file mediaID.
func linkLater(tx *db.Tx, workspaceID, messageID int64, mediaID string) {
	tx.InsertLater(`INSERT INTO message_media (message_id, media_id, workspace_id) VALUES `, `(?, ?, ?)`, messageID, mediaID, workspaceID)
}
