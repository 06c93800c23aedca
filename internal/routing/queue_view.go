package routing

import (
	"context"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Queue is one queue of a workspace as the API shows it.
type Queue struct {
	TeamID int64 `json:"team_id"`           // 0: the workspace's queue
	UserID int64 `json:"user_id,omitempty"` // waiting for this user
	Length int   `json:"length"`
	// OldestWaitMs is how long the longest-waiting conversation has
	// waited, in milliseconds: the head's wait unless a conversation of
	// higher priority, queued later, went ahead of older ones.
	OldestWaitMs int64        `json:"oldest_wait_ms"`
	Entries      []QueueEntry `json:"entries"` // the first maxQueueEntries, in order
}

// QueueEntry is one waiting conversation.
type QueueEntry struct {
	ConversationID int64     `json:"conversation_id"`
	Position       int       `json:"position"` // 1 is next
	Priority       int       `json:"priority"`
	Strategy       string    `json:"strategy"`
	OnlyOnline     bool      `json:"only_online"`
	EnqueuedAt     time.Time `json:"enqueued_at"`
	WaitingMs      int64     `json:"waiting_ms"`
}

// maxQueueEntries bounds the entries listed per queue; Length counts all.
const maxQueueEntries = 500

// Queues returns the workspace's non-empty queues with their waiting
// conversations in order. Lengths and waits count every conversation;
// the entries are only those p may see, at their true positions.
func (s *Service) Queues(ctx context.Context, p access.Principal) ([]Queue, error) {
	workspaceID := p.WorkspaceID
	visible, err := s.visibleQueued(ctx, p)
	if err != nil {
		return nil, wrap("queues", err)
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT `+queueColumns+` FROM routing_queue WHERE workspace_id = ?
		ORDER BY team_id, user_id, priority DESC, id`, workspaceID)
	if err != nil {
		return nil, wrap("queues", err)
	}
	defer rows.Close()
	now := s.nowMs()
	out := []Queue{}
	var cur *Queue
	for rows.Next() {
		r, err := scanQueueRow(rows)
		if err != nil {
			return nil, wrap("queues", err)
		}
		if cur == nil || cur.TeamID != r.job.teamID || cur.UserID != r.job.userID {
			out = append(out, Queue{TeamID: r.job.teamID, UserID: r.job.userID, Entries: []QueueEntry{}})
			cur = &out[len(out)-1]
		}
		cur.Length++
		cur.OldestWaitMs = max(cur.OldestWaitMs, now-r.enqueuedAt)
		if _, ok := visible[r.conversationID]; (visible == nil || ok) && len(cur.Entries) < maxQueueEntries {
			cur.Entries = append(cur.Entries, QueueEntry{ConversationID: r.conversationID, Position: cur.Length, Priority: r.job.priority,
				Strategy: r.job.strategy, OnlyOnline: r.job.onlyOnline, EnqueuedAt: db.Time(r.enqueuedAt), WaitingMs: max(now-r.enqueuedAt, 0)})
		}
	}
	return out, wrap("queues", rows.Err())
}

// visibleQueued returns the queued conversations a restricted principal
// may see, or nil when p sees them all.
func (s *Service) visibleQueued(ctx context.Context, p access.Principal) (map[int64]struct{}, error) {
	if p.Unrestricted() {
		return nil, nil
	}
	scope, args := p.ConversationScope("c")
	ids, err := db.QueryIDs(ctx, s.db.Reader(), `SELECT q.conversation_id FROM routing_queue q JOIN conversations c ON c.id = q.conversation_id
		WHERE q.workspace_id = ? AND `+scope, append([]any{p.WorkspaceID}, args...)...)
	if err != nil {
		return nil, err
	}
	set := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	return set, nil
}

// Position returns the conversation's place in its queue (1 is next), for
// a workflow message telling the contact; 404 if it does not wait.
func (s *Service) Position(ctx context.Context, workspaceID, conversationID int64) (int, error) {
	var n int
	if err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?`,
		workspaceID, conversationID).Scan(&n); err != nil {
		return 0, wrap("position", err)
	}
	if n == 0 {
		return 0, apperr.NotFound("queued conversation")
	}
	pos, err := position(ctx, s.db.Reader(), conversationID)
	return pos, wrap("position", err)
}

// Dequeue takes a conversation out of its queue (the Assign To step's
// timeout branch); it reports whether it was waiting.
func (s *Service) Dequeue(ctx context.Context, workspaceID, conversationID int64) (bool, error) {
	var removed bool
	err := s.write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?`, workspaceID, conversationID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		removed = n > 0
		return err
	})
	return removed, wrap("dequeue", err)
}
