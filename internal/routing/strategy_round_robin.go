package routing

import (
	"context"
	"database/sql"
	"errors"
	"sort"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Round robin turns through the queue's users in id order, starting after
// the last one chosen. The position is a row per (workspace, team) written
// in the claim's transaction, so a restart, or another node, continues the
// rotation where it stood; users who do not qualify are passed over without
// losing their turn for good.

// roundRobinOrder rotates id-ordered candidates to start after last.
func roundRobinOrder(byID []candidate, last int64) []candidate {
	i := sort.Search(len(byID), func(i int) bool { return byID[i].id > last })
	out := make([]candidate, 0, len(byID))
	out = append(out, byID[i:]...)
	return append(out, byID[:i]...)
}

func loadRoundRobin(ctx context.Context, q db.Querier, workspaceID, teamID int64) (int64, error) {
	var last int64
	err := q.QueryRow(ctx, `SELECT last_user_id FROM routing_round_robin WHERE workspace_id = ? AND team_id = ?`, workspaceID, teamID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return last, err
}

func saveRoundRobin(ctx context.Context, tx *db.Tx, workspaceID, teamID, userID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO routing_round_robin (workspace_id, team_id, last_user_id) VALUES (?, ?, ?)
		ON CONFLICT (workspace_id, team_id) DO UPDATE SET last_user_id = excluded.last_user_id`, workspaceID, teamID, userID)
	return err
}
