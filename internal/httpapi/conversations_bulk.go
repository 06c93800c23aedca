package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// maxBulkConversations bounds the conversations one bulk request names.
const maxBulkConversations = 100

// bulkConversations is the body of POST /api/v1/conversations/bulk.
type bulkConversations struct {
	ConversationIDs []int64                `json:"conversation_ids"`
	Action          bulkConversationAction `json:"action"`
}

// bulkConversationAction is what each conversation gets: close (with the
// closing notes the workspace asks), assign (to a user or a team, as the
// single assign), unassign, snooze (until a time), read or unread.
type bulkConversationAction struct {
	Type     string    `json:"type"`
	Category string    `json:"category,omitempty"`
	Summary  string    `json:"summary,omitempty"`
	UserID   int64     `json:"user_id,omitempty"`
	TeamID   int64     `json:"team_id,omitempty"`
	Force    bool      `json:"force,omitempty"`
	Until    time.Time `json:"until,omitzero"`
}

// bulkConversationResult says, per conversation, what a bulk request did.
type bulkConversationResult struct {
	Done   []int64       `json:"done"`
	Failed []bulkFailure `json:"failed"`
}

// bulkFailure is one conversation a bulk request left as it was, and why
// (the error its own request would have answered).
type bulkFailure struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// bulkConversationActions are the actions by type: each is what the
// conversation's own request does, with the same checks.
var bulkConversationActions = map[string]func(s *Server, ctx context.Context, p access.Principal, id int64, a bulkConversationAction) error{
	"close": func(s *Server, ctx context.Context, p access.Principal, id int64, a bulkConversationAction) error {
		_, err := s.deps.Conversations.Close(ctx, p, id, conversation.CloseInput{Source: source(p), UserID: p.UserID, Category: a.Category, Summary: a.Summary})
		return err
	},
	"assign": func(s *Server, ctx context.Context, p access.Principal, id int64, a bulkConversationAction) error {
		_, err := s.assign(ctx, p, id, manualAssignment{UserID: a.UserID, TeamID: a.TeamID, Force: a.Force})
		return err
	},
	"unassign": func(s *Server, ctx context.Context, p access.Principal, id int64, _ bulkConversationAction) error {
		_, err := s.deps.Conversations.Unassign(ctx, p, id, source(p), p.UserID)
		return err
	},
	"snooze": func(s *Server, ctx context.Context, p access.Principal, id int64, a bulkConversationAction) error {
		_, err := s.deps.Conversations.Snooze(ctx, p, id, a.Until, p.UserID)
		return err
	},
	"read": func(s *Server, ctx context.Context, p access.Principal, id int64, _ bulkConversationAction) error {
		return s.read(ctx, p, id, true)
	},
	"unread": func(s *Server, ctx context.Context, p access.Principal, id int64, _ bulkConversationAction) error {
		return s.read(ctx, p, id, false)
	},
}

// bulkConversationsHandler takes one action on many conversations, each
// as its own request would (its own transaction, checks and events): a
// conversation refused (closed already, the assignee at capacity, one the
// caller may not see) is listed with its reason, and the others go on.
func (s *Server) bulkConversationsHandler(w http.ResponseWriter, r *http.Request) error {
	var in bulkConversations
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	act, ok := bulkConversationActions[in.Action.Type]
	if !ok {
		return apperr.Invalid("action.type", "must be close, assign, unassign, snooze, read or unread")
	}
	if in.Action.Type == "snooze" && in.Action.Until.IsZero() {
		return apperr.Invalid("action.until", "is required to snooze (RFC 3339 time)")
	}
	if in.Action.Type == "snooze" {
		if problem := conversation.SnoozeUntilProblem(in.Action.Until, s.deps.DB.Clock().Now()); problem != "" {
			return apperr.Invalid("action.until", "%s", problem)
		}
	}
	if in.Action.Type == "assign" && in.Action.UserID == 0 && in.Action.TeamID == 0 {
		return apperr.Invalid("action.user_id", "an assignee or a team is required")
	}
	if len(in.ConversationIDs) == 0 || len(in.ConversationIDs) > maxBulkConversations {
		return apperr.Invalid("conversation_ids", "must name 1 to %d conversations; it names %d", maxBulkConversations, len(in.ConversationIDs))
	}
	p := Principal(r)
	out := bulkConversationResult{Done: []int64{}, Failed: []bulkFailure{}}
	seen := make(map[int64]bool, len(in.ConversationIDs))
	for _, id := range in.ConversationIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := r.Context().Err(); err != nil {
			return err // the client went away: what is done is done, and said by the events
		}
		err := act(s, r.Context(), p, id, in.Action)
		if err != nil && apperr.KindOf(err) == "" {
			return err // the store failed, not this conversation
		}
		if err != nil {
			out.Failed = append(out.Failed, bulkFailure{ID: id, Code: apperr.CodeOf(err), Message: apperr.SaidOf(err)})
			continue
		}
		out.Done = append(out.Done, id)
	}
	httpjson.WriteJSON(w, http.StatusOK, out)
	return nil
}
