package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// MaxStages bounds a workspace's lifecycle stages.
const MaxStages = 50

// StageInput defines or changes a lifecycle stage; nil fields are
// unchanged (on create: not lost, not the default).
type StageInput struct {
	Name *string `json:"name"`
	// IsLost marks the stage as a lost one (e.g. "Cold Lead"), which
	// reports count as lost rather than as a step of the funnel.
	IsLost *bool `json:"is_lost"`
	// IsDefault makes the stage the one new contacts get (true only: a
	// workspace's default moves, it is not removed).
	IsDefault *bool `json:"is_default"`
}

func (in *StageInput) check(create bool) error {
	if in.Name != nil || create {
		name := ""
		if in.Name != nil {
			name = strings.TrimSpace(*in.Name)
		}
		if name == "" {
			return apperr.Invalid("name", "is required")
		}
		if err := limit.Text("name", name, MaxStageLen); err != nil {
			return err
		}
		in.Name = &name
	}
	if in.IsDefault != nil && !*in.IsDefault {
		return apperr.Invalid("is_default", "can only be set to true: make another stage the default instead")
	}
	return nil
}

func getStage(ctx context.Context, q db.Querier, workspaceID, id int64) (Stage, error) {
	var st Stage
	var def, lost int
	err := q.QueryRow(ctx, `SELECT id, name, position, is_default, is_lost FROM lifecycle_stages WHERE workspace_id = ? AND id = ?`,
		workspaceID, id).Scan(&st.ID, &st.Name, &st.Position, &def, &lost)
	if errors.Is(err, sql.ErrNoRows) {
		return Stage{}, apperr.NotFound("lifecycle stage")
	}
	if err != nil {
		return Stage{}, fmt.Errorf("contact: get stage: %w", err)
	}
	st.IsDefault, st.IsLost = def == 1, lost == 1
	return st, nil
}

func stageErr(err error, what string, in StageInput) error {
	switch {
	case err == nil:
		return nil
	case db.IsUniqueViolation(err):
		return apperr.Conflict("a lifecycle stage named %q already exists", *in.Name)
	case apperr.KindOf(err) != "":
		return err
	}
	return fmt.Errorf("contact: %s stage: %w", what, err)
}

// CreateStage adds a lifecycle stage after the last one.
func (s *Service) CreateStage(ctx context.Context, workspaceID int64, in StageInput) (Stage, error) {
	if err := in.check(true); err != nil {
		return Stage{}, err
	}
	var st Stage
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var n, next int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(position), -1) + 1 FROM lifecycle_stages WHERE workspace_id = ?`,
			workspaceID).Scan(&n, &next); err != nil {
			return err
		}
		if n >= MaxStages {
			return apperr.Invalid("name", "the workspace has %d lifecycle stages; at most %d are allowed", n, MaxStages)
		}
		var id int64
		lost := in.IsLost != nil && *in.IsLost
		if err := tx.QueryRow(ctx, `INSERT INTO lifecycle_stages (workspace_id, name, position, is_default, is_lost) VALUES (?, ?, ?, 0, ?) RETURNING id`,
			workspaceID, *in.Name, next, db.Bool(lost)).Scan(&id); err != nil {
			return err
		}
		if in.IsDefault != nil || n == 0 {
			if err := makeDefault(ctx, tx, workspaceID, id); err != nil {
				return err
			}
		}
		var err error
		st, err = getStage(ctx, tx, workspaceID, id)
		return err
	})
	return st, stageErr(err, "create", in)
}

func makeDefault(ctx context.Context, tx *db.Tx, workspaceID, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE lifecycle_stages SET is_default = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE workspace_id = ?`, id, workspaceID)
	return err
}

// UpdateStage renames a lifecycle stage, marks it lost (or not), or makes
// it the default. Contacts at the stage stay at it: they refer to it by
// id. Workflows name it: a rename is carried into them in the same
// transaction (SetStageUsers).
func (s *Service) UpdateStage(ctx context.Context, workspaceID, id int64, in StageInput) (Stage, error) {
	if err := in.check(false); err != nil {
		return Stage{}, err
	}
	var st Stage
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		old, err := getStage(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		var lost *int
		if in.IsLost != nil {
			v := db.Bool(*in.IsLost)
			lost = &v
		}
		if _, err := tx.Exec(ctx, `UPDATE lifecycle_stages SET name = COALESCE(?, name), is_lost = COALESCE(?, is_lost) WHERE workspace_id = ? AND id = ?`,
			in.Name, lost, workspaceID, id); err != nil {
			return err
		}
		if in.Name != nil && *in.Name != old.Name && s.stageUsers != nil {
			if err := s.stageUsers.RenameTx(ctx, tx, workspaceID, old.Name, *in.Name); err != nil {
				return err
			}
		}
		if in.IsDefault != nil {
			if err := makeDefault(ctx, tx, workspaceID, id); err != nil {
				return err
			}
		}
		st, err = getStage(ctx, tx, workspaceID, id)
		return err
	})
	return st, stageErr(err, "update", in)
}

// ReorderStages puts the workspace's lifecycle stages in the order of ids,
// which must name each of them once; positions are rewritten in one
// transaction.
func (s *Service) ReorderStages(ctx context.Context, workspaceID int64, ids []int64) ([]Stage, error) {
	var out []Stage
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM lifecycle_stages WHERE workspace_id = ?`, workspaceID)
		if err != nil {
			return err
		}
		have, err := db.Collect(rows, func(rows *sql.Rows) (int64, error) {
			var id int64
			return id, rows.Scan(&id)
		})
		if err != nil {
			return err
		}
		if len(ids) != len(have) {
			return apperr.Invalid("ids", "must name each of the workspace's %d lifecycle stages once; it names %d", len(have), len(ids))
		}
		known := map[int64]bool{}
		for _, id := range have {
			known[id] = true
		}
		seen := map[int64]bool{}
		for i, id := range ids {
			if !known[id] {
				return apperr.Invalid(fmt.Sprintf("ids[%d]", i), "%d is not a lifecycle stage of the workspace", id)
			}
			if seen[id] {
				return apperr.Invalid(fmt.Sprintf("ids[%d]", i), "%d is named twice", id)
			}
			seen[id] = true
		}
		out = make([]Stage, 0, len(ids))
		for i, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE lifecycle_stages SET position = ? WHERE workspace_id = ? AND id = ?`, i, workspaceID, id); err != nil {
				return err
			}
			st, err := getStage(ctx, tx, workspaceID, id)
			if err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	if apperr.KindOf(err) != "" {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("contact: reorder stages: %w", err)
	}
	return out, nil
}

// DeleteStage removes a lifecycle stage; contacts at it are left without
// one. The default stage cannot be deleted while others remain: make
// another the default first; nor one a workflow names (SetStageUsers),
// which would silently stop matching or fail.
func (s *Service) DeleteStage(ctx context.Context, workspaceID, id int64) error {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		st, err := getStage(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if st.IsDefault {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM lifecycle_stages WHERE workspace_id = ?`, workspaceID).Scan(&n); err != nil {
				return err
			}
			if n > 1 {
				return apperr.Conflict("%q is the default stage of new contacts: make another stage the default first", st.Name)
			}
		}
		if s.stageUsers != nil {
			users, err := s.stageUsers.UsersTx(ctx, tx, workspaceID, st.Name)
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return apperr.Conflict("the lifecycle stage %q is named by %s: change or delete them first", st.Name, strings.Join(users, ", "))
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE contacts SET lifecycle_stage_id = NULL WHERE workspace_id = ? AND lifecycle_stage_id = ?`, workspaceID, id); err != nil {
			return err
		}
		return tx.DeleteOwned(ctx, "lifecycle_stages", "lifecycle stage", workspaceID, id)
	})
	if apperr.KindOf(err) != "" || err == nil {
		return err
	}
	return fmt.Errorf("contact: delete stage: %w", err)
}
