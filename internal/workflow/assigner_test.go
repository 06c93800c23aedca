package workflow

import (
	"context"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// teamAssigner is a small real Assigner for tests, standing in for the
// routing package: round robin over a team's online members, assigning
// with conversation.AssignTx. With nobody online it queues (when asked)
// and remembers the conversation, which assignQueued later assigns.
type teamAssigner struct {
	d      *db.DB
	mu     sync.Mutex
	turn   map[int64]int
	queued []AssignRequest
	// fail, when set, is returned after the assignment is written, as
	// routing fails when its capacity check finds an agent above capacity.
	fail error
	// failFor, when above 0, limits fail to that many more calls.
	failFor int
}

var _ Assigner = (*teamAssigner)(nil)

func (a *teamAssigner) AssignTx(ctx context.Context, tx *db.Tx, req AssignRequest) (AssignResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.turn == nil {
		a.turn = map[int64]int{}
	}
	if req.Target == "user" {
		return a.assign(ctx, tx, req, req.UserID, "the chosen user")
	}
	q := `SELECT u.id FROM users u JOIN team_members m ON m.user_id = u.id WHERE m.team_id = ? ORDER BY u.id`
	if req.OnlyOnline {
		q = `SELECT u.id FROM users u JOIN team_members m ON m.user_id = u.id WHERE m.team_id = ? AND u.status = 'online' ORDER BY u.id`
	}
	ids, err := db.QueryIDs(ctx, tx, q, req.TeamID)
	if err != nil {
		return AssignResult{}, err
	}
	if len(ids) == 0 {
		if req.Queue {
			a.queued = append(a.queued, req)
			return AssignResult{Queued: true, Position: len(a.queued), Reason: "nobody online in the team"}, nil
		}
		return AssignResult{Reason: "nobody online in the team"}, nil
	}
	user := ids[a.turn[req.TeamID]%len(ids)]
	a.turn[req.TeamID]++
	return a.assign(ctx, tx, req, user, "round robin among the team's online members")
}

// LeaveQueueTx forgets a queued conversation, as routing deletes its
// queue row.
func (a *teamAssigner) LeaveQueueTx(_ context.Context, _ *db.Tx, _, conversationID int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	kept := a.queued[:0]
	for _, q := range a.queued {
		if q.ConversationID != conversationID {
			kept = append(kept, q)
		}
	}
	a.queued = kept
	return nil
}

func (a *teamAssigner) assign(ctx context.Context, tx *db.Tx, req AssignRequest, user int64, why string) (AssignResult, error) {
	_, err := conversation.AssignTx(ctx, tx, req.WorkspaceID, req.ConversationID,
		conversation.AssignInput{UserID: user, TeamID: req.TeamID, Source: "workflow", Reason: why})
	if err != nil {
		return AssignResult{}, err
	}
	if a.fail != nil {
		err := a.fail
		if a.failFor > 0 {
			if a.failFor--; a.failFor == 0 {
				a.fail = nil
			}
		}
		return AssignResult{}, err
	}
	return AssignResult{Assigned: true, UserID: user, Reason: why}, nil
}

// assignQueued assigns the oldest queued conversation to user, as routing
// does when an agent comes online.
func (a *teamAssigner) assignQueued(ctx context.Context, user int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	req := a.queued[0]
	a.queued = a.queued[1:]
	return a.d.Write(ctx, func(tx *db.Tx) error {
		_, err := a.assign(ctx, tx, req, user, "came online")
		return err
	})
}
