package routing

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Targets of an assignment.
const (
	TargetUser      = "user"      // a specific user
	TargetPrevious  = "previous"  // the contact's last assignee, if they qualify
	TargetTeam      = "team"      // a user of a team, by strategy
	TargetWorkspace = "workspace" // a user of the workspace, by strategy
	TargetUnassign  = "unassign"  // remove the assignee
)

// Request asks for a conversation to be assigned. It is what the
// workflow's Assign To step, the API and the inbox send.
type Request struct {
	WorkspaceID    int64 `json:"-"`
	ConversationID int64 `json:"-"`
	// Target is user, previous, team, workspace or unassign.
	Target string `json:"target"`
	UserID int64  `json:"user_id,omitempty"`
	// TeamID is the team of a team target; for previous it is the
	// fallback when the previous assignee does not qualify; with a user
	// or previous target the conversation is filed under it.
	TeamID int64 `json:"team_id,omitempty"`
	// Strategy for team and workspace targets: round_robin, least_open or
	// longest_idle; empty takes the workspace's default.
	Strategy string `json:"strategy,omitempty"`
	// OnlyOnline keeps only users with a live device and status online.
	OnlyOnline bool `json:"only_online,omitempty"`
	// MaxOpen keeps only users below this many open conversations; 0 adds
	// no limit (capacity always applies to automatic assignment).
	MaxOpen int `json:"max_open,omitempty"`
	// Force assigns a specific user above their capacity (manual only).
	Force bool `json:"force,omitempty"`
	// Queue makes a user or previous target wait for that user when they
	// do not qualify. Team and workspace targets always wait in the
	// team's queue unless NoQueue is set.
	Queue   bool `json:"queue,omitempty"`
	NoQueue bool `json:"no_queue,omitempty"`
	// Priority orders a queue: higher first, FIFO among equals.
	Priority int    `json:"priority,omitempty"`
	Source   string `json:"-"` // user, workflow or api
	ByUserID int64  `json:"-"`
}

// Result says what became of a request: assigned to UserID, or waiting
// in a queue at Position (1 is next), or neither (Reason says why).
type Result struct {
	Assigned bool   `json:"assigned"`
	UserID   int64  `json:"user_id,omitempty"`
	Queued   bool   `json:"queued"`
	Position int    `json:"position,omitempty"`
	Reason   Reason `json:"reason"`
}

// job is one attempt to place a conversation, built from a request or a
// queue row.
type job struct {
	workspaceID, conversationID int64
	target                      string
	teamID, userID              int64 // the candidates: a team (0: workspace) or one user
	strategy                    string
	onlyOnline, force           bool
	auto                        bool // chosen by the router, not named by a person: busy users are skipped
	maxOpen, priority           int
	source                      string
	byUserID                    int64
	note                        string // prefix of the reason's summary, e.g. a previous assignee skipped
	// before is the conversation as it stands when the job runs, for the
	// time-to-assignment metric.
	before conversation.Conversation
	// unqueued: the conversation is known to wait in no queue (read in
	// this transaction, under its lock), so assigning it removes nothing.
	unqueued bool
}

// Assign places a conversation: with a user, in a queue, or nowhere
// (Result.Reason says why). Assigning a named user above capacity without
// Force is a conflict (409).
func (s *Service) Assign(ctx context.Context, req Request) (Result, error) {
	if err := s.validate(&req); err != nil {
		return Result{}, err
	}
	var res Result
	ctx = db.WithWorkspace(ctx, req.WorkspaceID) // its writes in its workspace's lane of the writer
	// The conversation's row, locked with the batch's others in one order
	// (db.WithRowLocks) before lockConversation takes it again.
	ctx = db.WithRows(ctx, "conversations", req.ConversationID)
	err := s.writeConcurrent(ctx, func(tx *db.Tx) error {
		st, err := loadSettings(ctx, tx, req.WorkspaceID)
		if err != nil {
			return err
		}
		if req.Strategy == "" {
			req.Strategy = st.strategy
		}
		res, err = s.assignTx(ctx, tx, req, st, s.nowMs())
		return err
	})
	if err != nil {
		return Result{}, wrap("assign", err)
	}
	return res, nil
}

// AssignTx is Assign inside the caller's transaction: an AI agent hands a
// conversation over in the transaction that records its turn, so the
// hand-over, its comment and the turn commit together or not at all.
func (s *Service) AssignTx(ctx context.Context, tx *db.Tx, req Request) (Result, error) {
	if err := s.validate(&req); err != nil {
		return Result{}, err
	}
	st, err := loadSettings(ctx, tx, req.WorkspaceID)
	if err != nil {
		return Result{}, err
	}
	if req.Strategy == "" {
		req.Strategy = st.strategy
	}
	res, err := s.assignTx(ctx, tx, req, st, s.nowMs())
	return res, wrap("assign", err)
}

func (s *Service) validate(req *Request) error {
	switch req.Target {
	case TargetUser:
		if req.UserID <= 0 {
			return apperr.Invalid("user_id", "is required for target user")
		}
	case TargetTeam:
		if req.TeamID <= 0 {
			return apperr.Invalid("team_id", "is required for target team")
		}
	case TargetPrevious, TargetWorkspace, TargetUnassign:
	default:
		return apperr.Invalid("target", "must be user, previous, team, workspace or unassign")
	}
	if req.Strategy != "" && !validStrategy(req.Strategy) {
		return apperr.Invalid("strategy", "must be round_robin, least_open or longest_idle")
	}
	if req.MaxOpen < 0 || req.MaxOpen > MaxCapacity {
		return apperr.Invalid("max_open", "must be 0 (no limit) to %d", MaxCapacity)
	}
	if req.Priority < -MaxPriority || req.Priority > MaxPriority {
		return apperr.Invalid("priority", "must be between %d and %d", -MaxPriority, MaxPriority)
	}
	if req.Source == "" {
		req.Source = conversation.SourceAPI
	}
	return nil
}

func (s *Service) assignTx(ctx context.Context, tx *db.Tx, req Request, st settings, now int64) (Result, error) {
	if err := lockConversation(ctx, tx, req.ConversationID); err != nil {
		return Result{}, err
	}
	conv, err := conversation.GetTx(ctx, tx, req.WorkspaceID, req.ConversationID)
	if err != nil {
		return Result{}, err
	}
	if conv.Status == conversation.StatusClosed {
		return Result{}, apperr.Conflict("conversation %d is closed", conv.ID)
	}
	if req.TeamID != 0 && req.Target != TargetUnassign && req.Target != TargetWorkspace {
		// The team the conversation will be filed under, or wait in the
		// queue of: checked before anything is written, whichever way the
		// request goes (a previous assignee who does not qualify falls
		// back to it).
		if err := teamOfWorkspace(ctx, tx, req.WorkspaceID, req.TeamID); err != nil {
			return Result{}, err
		}
	}
	j := job{workspaceID: req.WorkspaceID, conversationID: conv.ID, target: req.Target, strategy: req.Strategy,
		onlyOnline: req.OnlyOnline, maxOpen: req.MaxOpen, priority: req.Priority, source: req.Source, byUserID: req.ByUserID,
		before: conv}
	switch req.Target {
	case TargetUnassign:
		if _, err := conversation.UnassignTx(ctx, tx, req.WorkspaceID, conv.ID, conversation.UnassignInput{
			Source: req.Source, ByUser: req.ByUserID, Reason: "unassigned"}); err != nil {
			return Result{}, err
		}
		return Result{Reason: Reason{Target: TargetUnassign, Summary: "unassigned"}}, dequeue(ctx, tx, conv.ID)

	case TargetUser:
		if err := conversation.AssignableTx(ctx, tx, req.WorkspaceID, req.UserID); err != nil {
			return Result{}, err
		}
		j.userID, j.force, j.teamID = req.UserID, req.Force, req.TeamID
		return s.assignOne(ctx, tx, conv, j, req, st, now)

	case TargetPrevious:
		var prev int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(last_assignee_id, 0) FROM contacts WHERE id = ?`, conv.ContactID).Scan(&prev); err != nil {
			return Result{}, err
		}
		if prev != 0 {
			j.userID, j.auto, j.teamID = prev, true, req.TeamID
			if req.TeamID == 0 {
				return s.assignOne(ctx, tx, conv, j, req, st, now)
			}
			ok, uid, reason, err := s.tryJob(ctx, tx, j, st, now)
			if err != nil || ok {
				return Result{Assigned: ok, UserID: uid, Reason: reason}, err
			}
			j.note = fmt.Sprintf("previous assignee %d skipped (%s); ", prev, firstSkip(reason))
		} else if req.TeamID == 0 {
			return Result{Reason: Reason{Target: TargetPrevious, Summary: "the contact has no previous assignee"}}, nil
		} else {
			j.note = "the contact has no previous assignee; "
		}
		j.target, j.userID, j.teamID = TargetTeam, 0, req.TeamID
		return s.assignPool(ctx, tx, conv, j, req, st, now)

	default: // team, workspace
		if req.Target == TargetTeam {
			j.teamID = req.TeamID
		}
		j.auto = true
		return s.assignPool(ctx, tx, conv, j, req, st, now)
	}
}

// assignOne places a conversation with one named user: now, in that
// user's queue, or (manual, at capacity, no force) not at all with 409.
func (s *Service) assignOne(ctx context.Context, tx *db.Tx, conv conversation.Conversation, j job, req Request, st settings, now int64) (Result, error) {
	if req.Queue {
		// A user named by a request was checked active (AssignableTx); a
		// previous assignee who is deactivated would never take it, and
		// deactivation moves only what waits for them then: no wait, the
		// attempt's reason says why.
		gone, err := isDeactivated(ctx, tx, j.userID)
		if err != nil {
			return Result{}, err
		}
		if !gone {
			return s.enqueueAndDrain(ctx, tx, conv, j, st, now)
		}
	}
	ok, uid, reason, err := s.tryJob(ctx, tx, j, st, now)
	if err != nil || ok {
		return Result{Assigned: ok, UserID: uid, Reason: reason}, err
	}
	if skip := firstSkip(reason); !j.auto && strings.HasPrefix(skip, "at capacity") {
		return Result{}, apperr.Conflict("user %d is %s; assign with force to go above it", j.userID, skip)
	}
	return Result{Reason: reason}, nil
}

// assignPool places a conversation with a user of a team or of the
// workspace, queueing it unless the request says not to.
func (s *Service) assignPool(ctx context.Context, tx *db.Tx, conv conversation.Conversation, j job, req Request, st settings, now int64) (Result, error) {
	if req.NoQueue {
		ok, uid, reason, err := s.tryJob(ctx, tx, j, st, now)
		return Result{Assigned: ok, UserID: uid, Reason: reason}, err
	}
	return s.enqueueAndDrain(ctx, tx, conv, j, st, now)
}

// isDeactivated reports whether the user is deactivated.
func isDeactivated(ctx context.Context, tx *db.Tx, userID int64) (bool, error) {
	var at int64
	err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT deactivated_at FROM users WHERE id = ?), 0)`, userID).Scan(&at)
	return at != 0, err
}

// teamOfWorkspace checks that the team is one of the workspace's (422 if not).
func teamOfWorkspace(ctx context.Context, tx *db.Tx, workspaceID, teamID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM teams WHERE workspace_id = ? AND id = ?`, workspaceID, teamID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid("team_id", "%d is not a team of this workspace", teamID)
	}
	return nil
}

// firstSkip returns the first recorded reason a candidate was skipped.
func firstSkip(r Reason) string {
	for _, c := range r.Candidates {
		if c.Skipped != "" {
			return c.Skipped
		}
	}
	return "nobody qualifies"
}
