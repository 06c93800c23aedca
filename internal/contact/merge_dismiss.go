package contact

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// DismissInput names two contacts a merge suggestion paired that are not
// one person.
type DismissInput struct {
	A int64 `json:"a"`
	B int64 `json:"b"`
}

// DismissMergeSuggestion records that contacts in.A and in.B are not one
// person ("Not a duplicate"): MergeSuggestions never pairs them again, by
// any reason, and a workflow's answer no longer suggests them
// (SuggestMergeTx). Dismissing twice is no change. It decides what the
// workspace's merge suggestions are for everyone, as a merge would: it
// needs the delete_contacts permission (forbidden without it), and both
// contacts visible to p (not found otherwise).
func (s *Service) DismissMergeSuggestion(ctx context.Context, p Principal, in DismissInput) error {
	return s.decidePair(ctx, p, in, func(tx *db.Tx, a, b int64) error {
		var by any
		if p.UserID != 0 {
			by = p.UserID
		}
		res, err := tx.Exec(ctx, `INSERT INTO contact_merge_dismissals (workspace_id, contact_id, other_id, created_at, user_id)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (contact_id, other_id) DO NOTHING`, p.WorkspaceID, a, b, tx.Now(), by)
		return decidedTx(ctx, tx, p, res, err, event.ContactMergeDismissed, a, b)
	})
}

// RestoreMergeSuggestion takes back a dismissal ("Suggest again"): the
// pair is suggested again whenever the two still share a phone, an email
// or a name. Restoring a pair that was not dismissed is no change. It
// needs what DismissMergeSuggestion needs.
func (s *Service) RestoreMergeSuggestion(ctx context.Context, p Principal, in DismissInput) error {
	return s.decidePair(ctx, p, in, func(tx *db.Tx, a, b int64) error {
		res, err := tx.Exec(ctx, `DELETE FROM contact_merge_dismissals WHERE contact_id = ? AND other_id = ?`, a, b)
		return decidedTx(ctx, tx, p, res, err, event.ContactMergeRestored, a, b)
	})
}

// decidedTx records a decision that changed something (res, the write's
// result) in both contacts' timelines, each naming the other and who
// decided; a decision that changed nothing (dismissed twice) records
// nothing.
func decidedTx(ctx context.Context, tx *db.Tx, p Principal, res sql.Result, err error, typ event.Type, a, b int64) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	for _, pair := range [][2]int64{{a, b}, {b, a}} {
		payload := map[string]any{"contact_id": pair[0], "other_id": pair[1]}
		if p.UserID != 0 {
			payload["user_id"] = p.UserID
		}
		if _, err := event.Append(ctx, tx, event.New{WorkspaceID: p.WorkspaceID, Type: typ, ContactID: pair[0], Payload: payload}); err != nil {
			return err
		}
	}
	return nil
}

// decidePair checks what deciding a merge suggestion takes (the
// delete_contacts permission, two distinct contacts of the workspace that
// p may see) and runs write on the pair, lower id first, in one write.
func (s *Service) decidePair(ctx context.Context, p Principal, in DismissInput, write func(tx *db.Tx, a, b int64) error) error {
	if !canDelete(p) {
		return apperr.Forbidden("deciding merge suggestions needs the delete_contacts permission")
	}
	if in.A <= 0 {
		return apperr.Invalid("a", "must be the id of a contact of the suggestion")
	}
	if in.B <= 0 {
		return apperr.Invalid("b", "must be the id of the other contact of the suggestion")
	}
	if in.A == in.B {
		return apperr.Invalid("b", "must be another contact than a")
	}
	a, b := min(in.A, in.B), max(in.A, in.B)
	return s.db.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contacts WHERE workspace_id = ? AND id IN (?, ?)`, p.WorkspaceID, a, b).Scan(&n); err != nil {
			return fmt.Errorf("contact: merge suggestion: %w", err)
		}
		if n != 2 {
			return apperr.NotFound("contact")
		}
		for _, id := range []int64{a, b} {
			if err := maySee(ctx, tx, p, id); err != nil {
				return err
			}
		}
		if err := write(tx, a, b); err != nil {
			return fmt.Errorf("contact: merge suggestion: %w", err)
		}
		return nil
	})
}

// dismissedPair is a pair DismissMergeSuggestion recorded (a < b).
type dismissedPair struct{ a, b int64 }

// mergeDismissals reads the pairs dismissed in a workspace.
func mergeDismissals(ctx context.Context, q db.Querier, workspaceID int64) (map[dismissedPair]bool, error) {
	rows, err := q.Query(ctx, `SELECT contact_id, other_id FROM contact_merge_dismissals WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("contact: merge dismissals: %w", err)
	}
	defer rows.Close()
	out := map[dismissedPair]bool{}
	for rows.Next() {
		var d dismissedPair
		if err := rows.Scan(&d.a, &d.b); err != nil {
			return nil, err
		}
		out[d] = true
	}
	return out, rows.Err()
}
