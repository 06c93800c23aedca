package workflow

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// A workflow's links (workflow_media) are the stored files its draft and
// its versions name (a Send a Message attachment's URL
// …/media/{id}/{key}), so that a file the workflow sends stays while the
// workflow may send it: deleting a contact it was sent to, or the day's
// sweep of uploads, leaves it (see internal/media). Versions are kept for
// restore, so their files stay; a file the draft drops (an image
// replaced) that no version names is released, and a deleted workflow's
// files are (deleteTx).

// maxFiles bounds the files one workflow is linked to, beyond what any
// real one attaches (each of MaxSteps steps sending a message's worth of
// files), so that no cut of the sorted ids falls inside a workflow's set:
// a file past the cut would be released while the draft still sends it.
// A crafted definition naming more turns into no more rows than this.
const maxFiles = MaxSteps * conversation.MaxMedia

// filesIn returns the ids of the stored files a definition names.
func filesIn(body []byte) []string { return media.IDsInUpTo(body, maxFiles) }

// syncMediaTx makes workflow id's links the files its draft and versions
// name, after a write of them in tx (a create, a save, a publish). named
// is a document the workflow now holds (the draft saved, the version
// published): its files are linked. Any other file linked is looked for
// in the versions, and released when none names it. The versions are
// read only then: most saves drop no file.
func syncMediaTx(ctx context.Context, tx *db.Tx, workspaceID, id int64, named []byte) error {
	want := filesIn(named)
	rows, err := tx.Query(ctx, `SELECT media_id FROM workflow_media WHERE workflow_id = ?`, id)
	if err != nil {
		return fmt.Errorf("workflow: links: %w", err)
	}
	linked, err := db.Collect(rows, scanString)
	if err != nil {
		return fmt.Errorf("workflow: links: %w", err)
	}
	for _, m := range want {
		if slices.Contains(linked, m) {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO workflow_media (workflow_id, media_id, workspace_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, m, workspaceID); err != nil {
			return fmt.Errorf("workflow: link file %s: %w", m, err)
		}
	}
	var dropped []string
	for _, m := range linked {
		if slices.Contains(want, m) {
			continue
		}
		inVersion, err := versionNamesTx(ctx, tx, id, m)
		if err != nil {
			return err
		}
		if !inVersion {
			dropped = append(dropped, m)
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	err = db.Chunked(len(dropped), func(from, n int) error {
		args := []any{id}
		for _, m := range dropped[from : from+n] {
			args = append(args, m)
		}
		_, err := tx.Exec(ctx, `DELETE FROM workflow_media WHERE workflow_id = ? AND media_id IN (`+db.Rows("?", n)+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("workflow: unlink files: %w", err)
	}
	_, err = media.ReleaseSettledTx(ctx, tx, workspaceID, dropped)
	return err
}

// deleteTx deletes workflow id of the workspace with its versions, runs
// and links (ON DELETE CASCADE), and releases the files only it named.
func deleteTx(ctx context.Context, tx *db.Tx, workspaceID, id int64) error {
	rows, err := tx.Query(ctx, `SELECT media_id FROM workflow_media WHERE workflow_id = ? AND workspace_id = ?`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("workflow: delete: files: %w", err)
	}
	files, err := db.Collect(rows, scanString)
	if err != nil {
		return fmt.Errorf("workflow: delete: files: %w", err)
	}
	if err := tx.DeleteOwned(ctx, "workflows", "workflow", workspaceID, id); err != nil {
		return err
	}
	_, err = media.ReleaseSettledTx(ctx, tx, workspaceID, files)
	return err
}

// versionNamesTx reports whether a version of workflow id names file m.
// The text match finds the candidates in the store (an id is 32 random
// hex digits); filesIn decides, as it decided the links.
func versionNamesTx(ctx context.Context, tx *db.Tx, id int64, m string) (bool, error) {
	rows, err := tx.Query(ctx, `SELECT definition FROM workflow_versions WHERE workflow_id = ? AND definition LIKE ? ORDER BY version DESC`,
		id, "%"+m+"%")
	if err != nil {
		return false, fmt.Errorf("workflow: versions naming file %s: %w", m, err)
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return false, fmt.Errorf("workflow: versions naming file %s: %w", m, err)
		}
		if slices.Contains(filesIn([]byte(body)), m) {
			return true, nil
		}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("workflow: versions naming file %s: %w", m, err)
	}
	return false, nil
}

func scanString(rows *sql.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}
