package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func init() { register("assign_to", func() stepImpl { return &assignTo{} }) }

// assignTo hands the conversation to routing: a specific user, the
// previous assignee, a user of a team or of the workspace (by strategy and
// filters), or nobody. When nobody qualifies and Queue is set, the run
// waits until routing assigns someone from the queue (a
// conversation.assigned event), or takes the timeout exit.
type assignTo struct {
	Target         string `json:"target"`
	UserID         int64  `json:"user_id,omitempty" ref:"user"`
	TeamID         int64  `json:"team_id,omitempty" ref:"team"`
	Team           string `json:"team,omitempty"` // a team by name, for templates
	Strategy       string `json:"strategy,omitempty"`
	OnlyOnline     bool   `json:"only_online,omitempty"`
	MaxOpen        int    `json:"max_open,omitempty"`
	Queue          bool   `json:"queue,omitempty"`
	Priority       int    `json:"priority,omitempty"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty"`
	// QueueMessage, when set, is sent to the contact when the conversation
	// has to wait; {{var.queue_position}} in it is their place in line.
	QueueMessage string `json:"queue_message,omitempty"`
}

var (
	assignTargets    = []string{"user", "previous", "team", "workspace", "unassign"}
	assignStrategies = []string{"", "round_robin", "least_open", "longest_idle"}
)

func (s *assignTo) check(c *checker) {
	if !slices.Contains(assignTargets, s.Target) {
		c.add("settings.target", "must be user, previous, team, workspace or unassign")
	}
	if s.Target == "user" && s.UserID == 0 {
		c.add("settings.user_id", "is required for target user")
	}
	if s.Target == "team" && s.TeamID == 0 && s.Team == "" {
		c.add("settings.team_id", "a team_id or a team name is required for target team")
	}
	if !slices.Contains(assignStrategies, s.Strategy) {
		c.add("settings.strategy", "must be round_robin, least_open or longest_idle")
	}
	if s.MaxOpen < 0 {
		c.add("settings.max_open", "must not be negative")
	}
	if n := limit.Len(s.QueueMessage); n > conversation.MaxTextLen {
		c.add("settings.queue_message", "is %d characters long; at most %d are allowed", n, conversation.MaxTextLen)
	}
	if s.TimeoutSeconds < 0 || s.TimeoutSeconds > MaxWait {
		c.add("settings.timeout_seconds", "must be between 0 and %d (7 days)", MaxWait)
	}
}

func (s *assignTo) exits() []string { return []string{"next", "timeout", "failure"} }

// assign asks routing to assign the run's conversation inside the step's
// transaction, so the assignment and the run's next state commit together
// or not at all: a crash can lose neither half, no replay has to guess
// whether an earlier attempt assigned, and the step chains with the steps
// before it (one transaction where it took three: a mark, routing's own
// and the step's).
func (s *assignTo) assign(x *execution) (AssignResult, error) {
	if x.run.ConversationID == 0 {
		return AssignResult{}, apperr.Conflict("the run has no conversation to assign")
	}
	if x.e.assigner == nil {
		return AssignResult{}, fmt.Errorf("no assigner is configured on this node")
	}
	strategy := s.Strategy
	if strategy == "" {
		strategy = "round_robin"
	}
	team := s.TeamID
	if team == 0 && s.Team != "" {
		var err error
		if team, err = teamByName(x.ctx, x.vars.q, x.run.WorkspaceID, s.Team); err != nil {
			return AssignResult{}, err
		}
	}
	return x.e.assigner.AssignTx(x.ctx, x.tx, AssignRequest{WorkspaceID: x.run.WorkspaceID, ConversationID: x.run.ConversationID,
		Target: s.Target, UserID: s.UserID, TeamID: team, Strategy: strategy, OnlyOnline: s.OnlyOnline, MaxOpen: s.MaxOpen,
		Queue: s.Queue, Priority: s.Priority, Source: "workflow"})
}

func (s *assignTo) exec(x *execution) (result, error) {
	switch {
	case x.timedOut:
		// An assignment may have committed before the timer fired while
		// its event is not handled yet: read the conversation, in this
		// transaction, rather than leave an assigned conversation by
		// the timeout exit.
		if c, err := conversation.GetTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ConversationID); err == nil && c.AssigneeID != 0 {
			return result{exit: "next", outcome: fmt.Sprintf("assigned to %s from the queue", x.userName(c.AssigneeID)),
				output: map[string]any{"user_id": c.AssigneeID}}, nil
		}
		if x.e.assigner != nil {
			if err := x.e.assigner.LeaveQueueTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ConversationID); err != nil {
				return result{}, err
			}
		}
		return result{exit: "timeout", outcome: fmt.Sprintf("nobody was assigned from the queue within %d s; left the queue", s.TimeoutSeconds)}, nil
	case x.input != nil:
		var in struct {
			UserID int64 `json:"user_id"`
		}
		json.Unmarshal(x.input, &in)
		return result{exit: "next", outcome: fmt.Sprintf("assigned to %s from the queue", x.userName(in.UserID)),
			output: map[string]any{"user_id": in.UserID}}, nil
	}
	res, err := s.assign(x)
	if err != nil {
		return result{}, err
	}
	x.log("target", s.Target)
	switch {
	case res.Assigned || (s.Target == "unassign" && !res.Queued):
		return result{exit: "next", outcome: fmt.Sprintf("assigned to %s: %s", x.userName(res.UserID), res.Reason),
			output: map[string]any{"user_id": res.UserID, "reason": res.Reason}}, nil
	case res.Queued:
		// Routing answered in this transaction, but a conversation it
		// queued may already be assigned: then there is nothing to wait for.
		if c, err := conversation.GetTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ConversationID); err == nil && c.AssigneeID != 0 {
			return result{exit: "next", outcome: fmt.Sprintf("assigned to %s from the queue", x.userName(c.AssigneeID)),
				output: map[string]any{"user_id": c.AssigneeID}}, nil
		}
		r := result{wait: StatusWaitingAssignment, outcome: fmt.Sprintf("queued at position %d: %s", res.Position, res.Reason),
			output: map[string]any{"queued": true, "position": res.Position}}
		x.run.Data.Vars["queue_position"] = res.Position
		if s.QueueMessage != "" {
			if _, err := x.send(x.text(s.QueueMessage), nil, nil, 0); err != nil {
				return result{}, err
			}
		}
		if s.TimeoutSeconds > 0 {
			r.wakeAt = x.now.Add(time.Duration(s.TimeoutSeconds) * time.Second)
		}
		return r, nil
	}
	return result{}, fmt.Errorf("nobody could be assigned: %s", res.Reason)
}

// teamByName resolves a team name of the workspace to its id, through
// the step's transaction in one statement: the workspace service's
// TeamByName reads the team and its members on the read pool, three
// statements the single writer waited for.
func teamByName(ctx context.Context, q db.Querier, workspaceID int64, name string) (int64, error) {
	id, err := workspace.TeamIDByName(ctx, q, workspaceID, name)
	if errors.Is(err, apperr.ErrNotFound) {
		return 0, apperr.Invalid("team", "the workspace has no team named %q", name)
	}
	return id, err
}

// userName names a user in a run's history as people read it: "Ana
// (user 7)"; just "user 7" when the name cannot be read, and "nobody"
// for an unassignment. History is for reading, so a failed lookup does
// not fail the step.
func (x *execution) userName(id int64) string {
	if id == 0 {
		return "nobody"
	}
	var name string
	if x.tx != nil {
		x.tx.QueryRow(x.ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&name)
	}
	if name == "" {
		return fmt.Sprintf("user %d", id)
	}
	return fmt.Sprintf("%s (user %d)", name, id)
}
