package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Edit is a change of a workflow's draft (SaveDraft, Publish): who makes
// it, and the draft's revision it was based on.
type Edit struct {
	// By is the user (0: the system, or a token without a user).
	By int64
	// IfRevision, when not 0, is the draft revision the change was based
	// on (the API's If-Match): a draft changed since is not overwritten,
	// and the change is a draft_changed conflict naming who changed it.
	// 0 changes whatever the draft now is, as the API did before
	// revisions, for the clients that send none.
	IfRevision int64
}

// CodeDraftChanged is the error code of a change refused because the
// draft changed since the revision it was based on.
const CodeDraftChanged = "draft_changed"

// draftState is what the store holds of who last changed a draft.
type draftState struct {
	draft    string
	revision int64
	at       int64 // Unix ms; 0: unknown
	by       sql.NullInt64
	byName   string
}

// loadDraftState reads the workflow's draft and who last changed it. In
// the write transaction that then changes it, nothing lands between this
// read and that write: writes are serialised (one writer on SQLite, the
// write lock on PostgreSQL).
func loadDraftState(ctx context.Context, q db.Querier, workspaceID, id int64) (draftState, error) {
	var s draftState
	err := q.QueryRow(ctx, `SELECT draft, draft_revision, draft_saved_at, draft_saved_by, draft_saved_by_name
		FROM workflows WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&s.draft, &s.revision, &s.at, &s.by, &s.byName)
	return s, notFound(err, "workflow")
}

// check refuses e when it was based on another revision than the draft's.
func (s draftState) check(id int64, e Edit) error {
	if e.IfRevision == 0 || e.IfRevision == s.revision {
		return nil
	}
	// A save always leaves a draft; a publish clears it.
	what := "saved"
	if s.draft == "" {
		what = "published"
	}
	who := "someone (the system or an API token)"
	if s.by.Valid || s.byName != "" {
		who = s.byName // a user, or what the system did (a rename in the settings)
	}
	when := ""
	if s.at > 0 {
		when = " at " + db.Time(s.at).UTC().Format(time.RFC3339)
	}
	return apperr.WithCode(apperr.KindConflict, CodeDraftChanged, fmt.Sprintf(
		"the draft of workflow %d changed since revision %d, which this change was based on: %s %s it%s (revision %d); nothing was changed",
		id, e.IfRevision, who, what, when, s.revision))
}

// editor is who makes e as the draft_saved_by columns record it: the user
// and their name now, or NULL for the system, a token without a user, or
// a user not of the workspace.
func editor(ctx context.Context, tx *db.Tx, workspaceID int64, e Edit) (sql.NullInt64, string, error) {
	if e.By == 0 {
		return sql.NullInt64{}, "", nil
	}
	var name string
	err := tx.QueryRow(ctx, `SELECT name FROM users WHERE id = ? AND workspace_id = ?`, e.By, workspaceID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return sql.NullInt64{}, "", nil
	}
	if err != nil {
		return sql.NullInt64{}, "", fmt.Errorf("workflow: editor: %w", err)
	}
	return sql.NullInt64{Int64: e.By, Valid: true}, name, nil
}
