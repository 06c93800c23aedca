package routing

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// reassignDue returns to the queue the open conversations of every agent
// who has been offline past their workspace's grace period. Each
// conversation is unassigned (conversation.unassigned, shown in the
// timeline) and queued in its team's queue, or the workspace's, for online
// agents only; the unassignment event then drains those queues.
func (s *Service) reassignDue(ctx context.Context, now int64) error {
	due, err := s.dueAgents(ctx, `SELECT a.user_id, a.workspace_id FROM routing_agents a
		JOIN routing_settings s ON s.workspace_id = a.workspace_id
		WHERE a.presence = 'offline' AND a.reassign_pending = 1 AND s.reassign_grace_ms >= 0
		AND a.offline_since + s.reassign_grace_ms <= ? LIMIT 100`, now)
	if err != nil {
		return wrap("reassign", err)
	}
	for _, a := range due {
		if err := s.write(ctx, func(tx *db.Tx) error { return s.reassignTx(ctx, tx, a, now) }); err != nil {
			return wrap("reassign", err)
		}
	}
	return nil
}

func (s *Service) reassignTx(ctx context.Context, tx *db.Tx, a agentRef, now int64) error {
	// Re-check under the transaction: a heartbeat may have brought them back.
	var presence string
	var pending int
	if err := tx.QueryRow(ctx, `SELECT presence, reassign_pending FROM routing_agents WHERE user_id = ?`, a.userID).Scan(&presence, &pending); err != nil {
		return err
	}
	if presence != Offline || pending == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE routing_agents SET reassign_pending = 0 WHERE user_id = ?`, a.userID); err != nil {
		return err
	}
	return requeueAssigned(ctx, tx, a, now, "the agent was offline past the reassignment grace period", false)
}

// requeueAssigned unassigns the agent's open conversations (and snoozed
// ones too if snoozedToo), each with a conversation.unassigned event
// saying why, and queues each in its team's queue, or the workspace's,
// for online agents only; the unassignment events then drain those queues.
func requeueAssigned(ctx context.Context, tx *db.Tx, a agentRef, now int64, why string, snoozedToo bool) error {
	st, err := loadSettings(ctx, tx, a.workspaceID)
	if err != nil {
		return err
	}
	query := `SELECT id, COALESCE(team_id, 0) FROM conversations WHERE assignee_id = ? AND status = 'open' ORDER BY id`
	if snoozedToo {
		query = `SELECT id, COALESCE(team_id, 0) FROM conversations WHERE assignee_id = ? AND status <> 'closed' ORDER BY id`
	}
	rows, err := tx.Query(ctx, query, a.userID)
	if err != nil {
		return err
	}
	type conv struct{ id, team int64 }
	var convs []conv
	for rows.Next() {
		var c conv
		if err := rows.Scan(&c.id, &c.team); err != nil {
			rows.Close()
			return err
		}
		convs = append(convs, c)
	}
	rows.Close()
	for _, c := range convs {
		if _, err := conversation.UnassignTx(ctx, tx, a.workspaceID, c.id, conversation.UnassignInput{
			Source: "routing", Reason: why}); err != nil {
			return err
		}
		if _, err := enqueue(ctx, tx, requeueJob(a.workspaceID, c.id, c.team, st), now); err != nil {
			return err
		}
	}
	return nil
}

// requeueJob is how a conversation taken back from an agent waits: in its
// team's queue (or the workspace's), by the default strategy, for online
// agents only.
func requeueJob(workspaceID, conversationID, team int64, st settings) job {
	j := job{workspaceID: workspaceID, conversationID: conversationID, target: TargetWorkspace, teamID: team,
		strategy: st.strategy, onlyOnline: true, auto: true, source: "routing"}
	if team != 0 {
		j.target = TargetTeam
	}
	return j
}
