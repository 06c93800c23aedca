package contact

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// HolderTx returns the id of the workspace's contact other than id whose
// field ("phone" or "email") is value, normalised as the contacts hold it
// (NormalizePhone, NormalizeEmail), or 0 when no other contact holds it.
// Setting value on contact id would break the one contact per phone and
// per email the store keeps.
func HolderTx(ctx context.Context, q db.Querier, workspaceID, id int64, field, value string) (int64, error) {
	if field != "phone" && field != "email" {
		return 0, fmt.Errorf("contact: holder of %q: not a phone or email", field)
	}
	holder, err := findBy(ctx, q, workspaceID, field, value)
	if err != nil || holder == id {
		return 0, err
	}
	return holder, nil
}

// SuggestMergeTx records that contacts a and b both gave value as their
// phone or email (reason), one of them holding it: MergeSuggestions lists
// the pair while both exist and one of them holds value, as it lists the
// pairs it finds in the contacts themselves. It records a pair once, and
// nothing for the Workflow Builder's test contacts (never suggested) or a
// pair dismissed as not one person (DismissMergeSuggestion); suggested
// says whether the pair is suggested.
func SuggestMergeTx(ctx context.Context, tx *db.Tx, workspaceID, a, b int64, reason, value string) (suggested bool, err error) {
	if a > b {
		a, b = b, a
	}
	var tests int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contacts WHERE workspace_id = ? AND id IN (?, ?) AND is_test = 0`,
		workspaceID, a, b).Scan(&tests); err != nil {
		return false, fmt.Errorf("contact: suggest merge: %w", err)
	}
	if tests != 2 {
		return false, nil
	}
	var dismissed int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contact_merge_dismissals WHERE contact_id = ? AND other_id = ?`, a, b).Scan(&dismissed); err != nil {
		return false, fmt.Errorf("contact: suggest merge: %w", err)
	}
	if dismissed != 0 {
		return false, nil // said not to be one person: never suggested again
	}
	if _, err := tx.Exec(ctx, `INSERT INTO contact_merge_hints (workspace_id, contact_id, other_id, reason, value, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (contact_id, other_id, reason) DO NOTHING`,
		workspaceID, a, b, reason, value, tx.Now()); err != nil {
		return false, fmt.Errorf("contact: suggest merge: %w", err)
	}
	return true, nil
}

// mergeHint is a pair SuggestMergeTx recorded (a < b).
type mergeHint struct {
	a, b          int64
	reason, value string
}

// mergeHints reads the pairs SuggestMergeTx recorded in a workspace whose
// value one of the two still holds: once the holder changed or cleared it
// (and the other has not taken it since) nothing links them any more. The
// row stays, read past rather than deleted by every path that writes a
// phone or email (edits, imports, workflow steps, merges): should either
// hold the value again, the pair is listed again.
func mergeHints(ctx context.Context, q db.Querier, workspaceID int64) ([]mergeHint, error) {
	rows, err := q.Query(ctx, `SELECT h.contact_id, h.other_id, h.reason, h.value FROM contact_merge_hints h
		WHERE h.workspace_id = ? AND EXISTS (SELECT 1 FROM contacts c WHERE c.id IN (h.contact_id, h.other_id)
			AND ((h.reason = 'phone' AND c.phone = h.value) OR (h.reason = 'email' AND c.email = h.value)))`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("contact: merge hints: %w", err)
	}
	defer rows.Close()
	var out []mergeHint
	for rows.Next() {
		var h mergeHint
		if err := rows.Scan(&h.a, &h.b, &h.reason, &h.value); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
