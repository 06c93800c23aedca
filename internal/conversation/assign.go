package conversation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// AssignInput is the assignee routing chose (or a person named) and why.
type AssignInput struct {
	UserID int64  `json:"user_id"`
	TeamID int64  `json:"team_id"`
	Source string `json:"-"` // user, workflow or api
	ByUser int64  `json:"-"`
	Reason string `json:"-"` // why this assignee, shown in the timeline
	// Detail is the structured reason (routing's strategy, candidates and
	// why each was skipped), stored under "routing" in the event payload.
	Detail any `json:"-"`
}

// AssignTx assigns inside tx and appends conversation.assigned. It is the
// write that assignment comes down to and checks neither availability nor
// capacity: assignments go through routing.Assign, which decides and
// claims in the same transaction and then calls it.
func AssignTx(ctx context.Context, tx *db.Tx, workspaceID, id int64, in AssignInput) (Conversation, error) {
	c, err := getOpen(ctx, tx, workspaceID, id)
	if err != nil {
		return c, err
	}
	if in.UserID == 0 && in.TeamID == 0 {
		return c, apperr.Invalid("user_id", "an assignee or a team is required")
	}
	if in.UserID != 0 {
		if err := AssignableTx(ctx, tx, workspaceID, in.UserID); err != nil {
			return c, err
		}
	}
	team := c.TeamID
	if in.TeamID != 0 {
		if err := inWorkspace(ctx, tx, "teams", "team_id", workspaceID, in.TeamID); err != nil {
			return c, err
		}
		team = in.TeamID
	}
	if c.AssigneeID == in.UserID && c.TeamID == team {
		return c, nil // nothing changes; no event
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET assignee_id = ?, team_id = ? WHERE id = ?`, nullID(in.UserID), nullID(team), id); err != nil {
		return c, err
	}
	if c.AssigneeID != in.UserID {
		agentRowsHeld(tx, c.AssigneeID, in.UserID)
	}
	payload := assignPayload(c, in, team)
	typ := event.ConversationAssigned
	if in.UserID == 0 {
		typ = event.ConversationUnassigned // moved to a team with nobody assigned
	}
	if err := appendEvent(ctx, tx, c, typ, payload); err != nil {
		return c, err
	}
	c.AssigneeID, c.TeamID = in.UserID, team
	return c, nil
}

// Decided is a conversation as the caller read it in the transaction that
// assigns it, after taking its row lock (on PostgreSQL; SQLite's single
// writer serialises writes), and found open.
type Decided struct{ Conversation }

// AssignDecidedTx is AssignTx for routing, which has already done in tx
// every check AssignTx makes: it read the conversation under its lock and
// found it open (c), it chose the user among the workspace's users and its
// claim of the user's row holds only while they are active, and the team
// (in.TeamID) is one of the workspace's. So it reads nothing: one UPDATE
// writes the assignee, the team and the event's sequence number (AssignTx
// takes three reads and two UPDATEs of the row), then the event. It
// returns the conversation as assigned.
func AssignDecidedTx(ctx context.Context, tx *db.Tx, d Decided, in AssignInput) (Conversation, error) {
	c := d.Conversation
	if in.UserID == 0 && in.TeamID == 0 {
		return c, apperr.Invalid("user_id", "an assignee or a team is required")
	}
	team := c.TeamID
	if in.TeamID != 0 {
		team = in.TeamID
	}
	if c.AssigneeID == in.UserID && c.TeamID == team {
		return c, nil // nothing changes; no event
	}
	var seq int64
	if err := tx.QueryRow(ctx, `UPDATE conversations SET assignee_id = ?, team_id = ?, last_seq = last_seq + 1 WHERE id = ? AND status <> 'closed'
		RETURNING last_seq`, nullID(in.UserID), nullID(team), c.ID).Scan(&seq); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			// The caller's read was wrong: refuse rather than assign a
			// closed conversation.
			return c, apperr.Conflict("conversation %d is closed", c.ID)
		}
		return c, err
	}
	if c.AssigneeID != in.UserID {
		agentRowsHeld(tx, c.AssigneeID, in.UserID)
	}
	payload := assignPayload(c, in, team)
	typ := event.ConversationAssigned
	if in.UserID == 0 {
		typ = event.ConversationUnassigned
	}
	if err := appendEventSeq(ctx, tx, c, typ, payload, seq); err != nil {
		return c, err
	}
	c.AssigneeID, c.TeamID, c.LastSeq = in.UserID, team, seq
	return c, nil
}

// assignPayload is the payload of the event of an assignment.
func assignPayload(c Conversation, in AssignInput, team int64) map[string]any {
	payload := map[string]any{"assignee_id": in.UserID, "team_id": team, "previous_assignee_id": c.AssigneeID, "source": in.Source}
	if in.ByUser != 0 {
		payload["by_user_id"] = in.ByUser
	}
	if in.Reason != "" {
		payload["reason"] = in.Reason
	}
	if in.Detail != nil {
		payload["routing"] = in.Detail
	}
	return payload
}

// Unassign removes the conversation's assignee (the team stays).
func (s *Service) Unassign(ctx context.Context, p Principal, id int64, source string, byUser int64) (Conversation, error) {
	var c Conversation
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := mayAct(ctx, tx, p, id); err != nil {
			return err
		}
		var err error
		c, err = UnassignTx(ctx, tx, p.WorkspaceID, id, UnassignInput{Source: source, ByUser: byUser})
		return err
	})
	return c, wrap("unassign", err)
}

// UnassignInput says who unassigns and why.
type UnassignInput struct {
	Source string // user, workflow, api or routing
	ByUser int64
	Reason string // shown in the timeline, e.g. "agent offline past the grace period"
}

// UnassignTx removes the assignee inside tx and appends
// conversation.unassigned; a conversation without assignee is left as is.
func UnassignTx(ctx context.Context, tx *db.Tx, workspaceID, id int64, in UnassignInput) (Conversation, error) {
	c, err := getOpen(ctx, tx, workspaceID, id)
	if err != nil || c.AssigneeID == 0 {
		return c, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conversations SET assignee_id = NULL WHERE id = ?`, id); err != nil {
		return c, err
	}
	agentRowsHeld(tx, c.AssigneeID)
	payload := map[string]any{"previous_assignee_id": c.AssigneeID, "source": in.Source}
	if in.ByUser != 0 {
		payload["by_user_id"] = in.ByUser
	}
	if in.Reason != "" {
		payload["reason"] = in.Reason
	}
	if c.TeamID != 0 {
		payload["team_id"] = c.TeamID
	}
	c.AssigneeID = 0
	return c, appendEvent(ctx, tx, c, event.ConversationUnassigned, payload)
}

// AssignableTx checks that the user is in the workspace and active (422
// if not in it, 409 if deactivated): routing asks before it queues for a
// user by name, and every assignment is checked here again, the last line
// that keeps a deactivated user from being assigned.
func AssignableTx(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error {
	var deactivated int64
	err := tx.QueryRow(ctx, `SELECT deactivated_at FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, userID).Scan(&deactivated)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Invalid("user_id", "%d is not in this workspace", userID)
	}
	if err != nil {
		return err
	}
	if deactivated != 0 {
		return apperr.Conflict("user %d is deactivated and cannot be assigned; reactivate them first", userID)
	}
	return nil
}

// inWorkspace checks that row id of table belongs to the workspace.
func inWorkspace(ctx context.Context, tx *db.Tx, table, field string, workspaceID, id int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid(field, "%d is not in this workspace", id)
	}
	return nil
}

// SetTeamTx files an unassigned open conversation under a team without
// assigning anyone: routing does it when the conversation starts waiting
// in the team's queue, so the team's agents see it (their scope includes
// their teams' unassigned conversations) and the team's view counts it.
// The queue's own event (conversation.queued) tells the timeline; this
// writes none. An assigned conversation, or one already in the team, is
// left as it is.
func SetTeamTx(ctx context.Context, tx *db.Tx, workspaceID, id, teamID int64) error {
	_, err := tx.Exec(ctx, `UPDATE conversations SET team_id = ? WHERE workspace_id = ? AND id = ? AND status <> 'closed'
		AND assignee_id IS NULL AND (team_id IS NULL OR team_id <> ?)`, teamID, workspaceID, id, teamID)
	return err
}

// agentRowsHeld tells tx it now holds the routing_agents rows of these
// users (0: nobody): the open-count trigger (migrations 037, 042) updated
// them when the conversation's assignee, or its being closed, changed. A
// claim later in the same transaction counts them, so that it waits for
// a held agent only upwards (db.Tx.WaitRow) and for a queue not at all
// (routing's lockQueue): unnoted, they let a claim wait downwards against
// a batch that locks its agents in id order, and deadlock.
func agentRowsHeld(tx *db.Tx, userIDs ...int64) {
	for _, id := range userIDs {
		tx.NoteRowHeld("routing_agents", id)
	}
}
