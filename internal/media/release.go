package media

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// A file is deleted when what referenced it goes (a contact deleted with
// their messages: ReleaseTx; a workflow deleted, or its draft no longer
// naming a file none of its versions names: ReleaseSettledTx) and, an
// upload nothing ever referenced, a day after its upload (the sweep, see
// work.go). Its row goes in the transaction that decides it, with a
// media_removals row; its bytes go after the commit, by the store's timed
// work, retried until done.

// DueKind names the media store's timed work for db.Tx.Due: the bytes of
// deleted files to remove (due at once) and the uploads to look at again
// (their sweep_at).
const DueKind = "media"

// UnsentTTL is how long an upload nothing references is kept: the
// composer and the widget upload a file before its message is sent.
const UnsentTTL = 24 * time.Hour

// referenced is the condition, on a row of media, that a record of its
// workspace still names the file (see refs.go).
const referenced = `(EXISTS (SELECT 1 FROM message_media r WHERE r.media_id = media.id AND r.workspace_id = media.workspace_id)
	OR EXISTS (SELECT 1 FROM workflow_media r WHERE r.media_id = media.id AND r.workspace_id = media.workspace_id))`

// OfContactTx returns the ids of the files the messages of a contact name
// (read before the contact is deleted: the links go with the messages).
func OfContactTx(ctx context.Context, tx *db.Tx, contactID int64) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT r.media_id FROM messages m JOIN message_media r ON r.message_id = m.id
		WHERE m.contact_id = ?`, contactID)
	if err != nil {
		return nil, fmt.Errorf("media: files of contact %d: %w", contactID, err)
	}
	return db.Collect(rows, scanID)
}

// ReleaseTx deletes, in tx, the rows of the files ids of the workspace
// that no record names any more, and queues their bytes for removal once
// tx commits (the store's timed work). It returns how many it deleted.
// Call it after deleting what named them.
func ReleaseTx(ctx context.Context, tx *db.Tx, workspaceID int64, ids []string) (int, error) {
	return releaseTx(ctx, tx, ids, `workspace_id = ?`, workspaceID)
}

// ReleaseSettledTx is ReleaseTx for files a workflow dropped (from its
// draft, or deleted with it): an upload still in its first day (its sweep
// pending) is left to the sweep, which deletes it at the day's end if
// nothing names it then. A builder attaches a file, replaces it, puts it
// back: the file must still be there when the draft names it again.
func ReleaseSettledTx(ctx context.Context, tx *db.Tx, workspaceID int64, ids []string) (int, error) {
	return releaseTx(ctx, tx, ids, `workspace_id = ? AND sweep_at = 0`, workspaceID)
}

func releaseTx(ctx context.Context, tx *db.Tx, ids []string, where string, args ...any) (int, error) {
	if err := lockTx(ctx, tx, ids); err != nil {
		return 0, fmt.Errorf("media: release: %w", err)
	}
	gone, err := deleteUnreferencedTx(ctx, tx, ids, where, args...)
	if err != nil {
		return 0, fmt.Errorf("media: release: %w", err)
	}
	return len(gone), nil
}

// lockTx locks the rows of the files ids on PostgreSQL, in id order,
// before what decides their fate reads their references, in a statement
// that starts once the locks are held: two transactions each deleting
// one of two contacts that share a file then decide one after the other,
// and the second sees the first's messages gone. Deciding side by side,
// each would see the other's references and keep the file, for good.
// (SQLite's one writer decides one after the other by itself.)
func lockTx(ctx context.Context, tx *db.Tx, ids []string) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	return inChunks(ids, func(list string, args []any) error {
		rows, err := tx.Query(ctx, `SELECT id FROM media WHERE `+list+` ORDER BY id FOR UPDATE`, args...)
		if err != nil {
			return err
		}
		_, err = db.Collect(rows, scanID)
		return err
	})
}

// inChunks calls fn with "id IN (?, …)" and the ids of each chunk of ids.
func inChunks(ids []string, fn func(list string, args []any) error) error {
	return db.Chunked(len(ids), func(from, n int) error {
		args := make([]any, 0, n+1)
		for _, id := range ids[from : from+n] {
			args = append(args, id)
		}
		return fn(`id IN (`+db.Rows("?", n)+`)`, args)
	})
}

// deleteUnreferencedTx deletes the rows of the files ids that match where
// (on media, with its arguments) and that nothing references, queues
// their bytes' removal and returns their ids.
func deleteUnreferencedTx(ctx context.Context, tx *db.Tx, ids []string, where string, args ...any) ([]string, error) {
	var gone []string
	err := inChunks(ids, func(list string, in []any) error {
		rows, err := tx.Query(ctx, `DELETE FROM media WHERE `+list+` AND `+where+` AND NOT `+referenced+` RETURNING id`, append(in, args...)...)
		if err != nil {
			return err
		}
		got, err := db.Collect(rows, scanID)
		gone = append(gone, got...)
		return err
	})
	if err != nil || len(gone) == 0 {
		return nil, err
	}
	now := tx.Now()
	err = db.InsertRows(ctx, tx, len(gone), `INSERT INTO media_removals (media_id, due_at) VALUES `, `(?, ?)`, "",
		func(i int) []any { return []any{gone[i], now} })
	if err != nil {
		return nil, err
	}
	tx.Due(DueKind, now)
	return gone, nil
}

func scanID(rows *sql.Rows) (string, error) {
	var id string
	err := rows.Scan(&id)
	return id, err
}
