package workflow

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Assigner is what the Assign To step needs from routing. The routing
// package satisfies it (through a small adapter in internal/app); its
// decisions — strategies, availability, capacity, queues — are its own.
type Assigner interface {
	// AssignTx decides and records an assignment inside the step's
	// transaction (tx), so it commits with the run's next state.
	AssignTx(ctx context.Context, tx *db.Tx, req AssignRequest) (AssignResult, error)
	// LeaveQueueTx takes a queued conversation out of its queue inside the
	// step's transaction: when Assign To gives up waiting (its timeout
	// exit), the conversation must not be assigned later behind the
	// workflow's back.
	LeaveQueueTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID int64) error
}

// AssignRequest mirrors routing.Request.
type AssignRequest struct {
	WorkspaceID    int64
	ConversationID int64
	Target         string // user, previous, team, workspace or unassign
	UserID         int64
	TeamID         int64
	Strategy       string // round_robin, least_open or longest_idle
	OnlyOnline     bool
	MaxOpen        int
	Force          bool
	Queue          bool // wait in the queue when nobody qualifies
	Priority       int
	Source         string // "workflow"
	ByUserID       int64
}

// AssignResult mirrors routing.Result.
type AssignResult struct {
	Assigned bool
	UserID   int64
	Queued   bool
	Position int
	Reason   string
}
