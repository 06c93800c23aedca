package contact

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// MergeDismissal is a pair of contacts someone said is not one person
// (DismissMergeSuggestion), which RestoreMergeSuggestion takes back.
type MergeDismissal struct {
	A           Contact   `json:"a"` // the lower id of the two
	B           Contact   `json:"b"`
	DismissedAt time.Time `json:"dismissed_at"`
	// DismissedBy is the user who dismissed it; absent for an API token,
	// a dismissal recorded before it was kept, or a user deleted since.
	DismissedBy *int64 `json:"dismissed_by,omitempty"`
}

// MergeDismissals lists the workspace's dismissed pairs whose two
// contacts p may see, the newest dismissal first, at most
// MaxMergeSuggestions of them: the place where "Not a duplicate" can be
// taken back.
func (s *Service) MergeDismissals(ctx context.Context, p Principal) ([]MergeDismissal, error) {
	q := s.db.Reader()
	scopeA, argsA := p.ContactScope("ca")
	scopeB, argsB := p.ContactScope("cb")
	args := append(append([]any{p.WorkspaceID}, argsA...), argsB...)
	rows, err := q.Query(ctx, `SELECT d.contact_id, d.other_id, d.created_at, d.user_id FROM contact_merge_dismissals d
		JOIN contacts ca ON ca.id = d.contact_id JOIN contacts cb ON cb.id = d.other_id
		WHERE d.workspace_id = ? AND `+scopeA+` AND `+scopeB+`
		ORDER BY d.created_at DESC, d.contact_id DESC, d.other_id DESC LIMIT ?`, append(args, MaxMergeSuggestions)...)
	if err != nil {
		return nil, fmt.Errorf("contact: merge dismissals: %w", err)
	}
	type row struct {
		a, b, at int64
		by       sql.NullInt64
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (row, error) {
		var r row
		err := rows.Scan(&r.a, &r.b, &r.at, &r.by)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("contact: merge dismissals: %w", err)
	}
	out := []MergeDismissal{}
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, 2*len(list))
	for _, r := range list {
		ids = append(ids, r.a, r.b)
	}
	got, err := contactsByID(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("contact: merge dismissals: %w", err)
	}
	for _, r := range list {
		a, b := got[r.a], got[r.b]
		if a.ID == 0 || b.ID == 0 {
			continue // deleted meanwhile
		}
		d := MergeDismissal{A: a, B: b, DismissedAt: db.Time(r.at)}
		if r.by.Valid {
			d.DismissedBy = &r.by.Int64
		}
		out = append(out, d)
	}
	return out, nil
}
