package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Stage is a lifecycle stage; stages are ordered and one is the default
// given to new contacts.
type Stage struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Position  int    `json:"position"`
	IsDefault bool   `json:"is_default"`
	IsLost    bool   `json:"is_lost"`
}

// OrderStages names the order of lifecycle stages (by position) in their
// cursors.
const OrderStages = "position"

// ListStages returns a page of the workspace's lifecycle stages in order.
func (s *Service) ListStages(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Stage], error) {
	after, args := req.Keyset("position", "id", false, page.Int)
	rows, err := s.db.Reader().Query(ctx, `SELECT id, name, position, is_default, is_lost FROM lifecycle_stages WHERE workspace_id = ? AND `+after+
		` ORDER BY position, id LIMIT ?`, append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Stage]{}, fmt.Errorf("contact: list stages: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Stage, error) {
		var st Stage
		var def, lost int
		err := rows.Scan(&st.ID, &st.Name, &st.Position, &def, &lost)
		st.IsDefault, st.IsLost = def == 1, lost == 1
		return st, err
	})
	if err != nil {
		return page.Page[Stage]{}, fmt.Errorf("contact: list stages: %w", err)
	}
	return page.Cut(list, req.Limit, func(st Stage) page.Cursor {
		return page.Cursor{Order: OrderStages, Int: int64(st.Position), ID: st.ID}
	}), nil
}

// stageFor resolves a stage name to its id; nil means the default stage
// and "" means none.
func stageFor(ctx context.Context, q db.Querier, workspaceID int64, name *string) (sql.NullInt64, error) {
	var id int64
	var err error
	switch {
	case name == nil:
		err = q.QueryRow(ctx, `SELECT id FROM lifecycle_stages WHERE workspace_id = ? AND is_default = 1`, workspaceID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return sql.NullInt64{}, nil
		}
	case *name == "":
		return sql.NullInt64{}, nil
	default:
		if err := limit.Text("lifecycle_stage", *name, MaxStageLen); err != nil {
			return sql.NullInt64{}, err
		}
		err = q.QueryRow(ctx, `SELECT id FROM lifecycle_stages WHERE workspace_id = ? AND name = ?`, workspaceID, *name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return sql.NullInt64{}, apperr.Invalid("lifecycle_stage", "no lifecycle stage is named %q", *name)
		}
	}
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("contact: lifecycle stage: %w", err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

// SetLifecycle moves a contact to the named stage ("" clears it).
func (s *Service) SetLifecycle(ctx context.Context, p Principal, contactID int64, stage string) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if err := maySee(ctx, tx, p, contactID); err != nil {
			return err
		}
		_, err := setLifecycle(ctx, tx, p.WorkspaceID, contactID, stage)
		return err
	})
}

// setLifecycle moves a contact to a stage; it reports whether the contact
// was at another.
func setLifecycle(ctx context.Context, tx *db.Tx, workspaceID, contactID int64, stage string) (bool, error) {
	// The row alone (its stage): a bulk move reads it for each contact.
	cur, err := getRow(ctx, tx, workspaceID, contactID)
	if err != nil {
		return false, err
	}
	if cur.LifecycleStage == stage {
		return false, nil
	}
	id, err := stageFor(ctx, tx, workspaceID, &stage)
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE contacts SET lifecycle_stage_id = ?, updated_at = ? WHERE id = ?`, id, tx.Now(), contactID); err != nil {
		return false, fmt.Errorf("contact: set lifecycle: %w", err)
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.ContactLifecycle, ContactID: contactID,
		Payload: map[string]any{"contact_id": contactID, "from": cur.LifecycleStage, "to": stage}})
	return true, err
}
