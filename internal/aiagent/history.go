package aiagent

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// TurnRecord is one turn in an agent's run history.
type TurnRecord struct {
	ID             int64      `json:"id"`
	ConversationID int64      `json:"conversation_id"`
	MessageID      int64      `json:"message_id"`
	Status         string     `json:"status"` // pending or done
	Outcome        string     `json:"outcome"`
	Attempts       int        `json:"attempts"`
	Result         Result     `json:"result"`
	CreatedAt      time.Time  `json:"created_at"`
	DoneAt         *time.Time `json:"done_at"`
}

// MaxHistory is the most turns History returns: a page's largest size.
const MaxHistory = page.MaxLimit

// History returns the agent's latest turns, newest first (limit 1–200,
// default 50), optionally of one conversation.
func (s *Service) History(ctx context.Context, workspaceID, agentID, conversationID int64, limit int) ([]TurnRecord, error) {
	if _, err := s.Get(ctx, workspaceID, agentID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxHistory {
		limit = 50
	}
	q := `SELECT id, conversation_id, message_id, status, outcome, attempts, result, created_at, done_at FROM ai_agent_turns
		WHERE workspace_id = ? AND agent_id = ?`
	args := []any{workspaceID, agentID}
	if conversationID != 0 {
		q += ` AND conversation_id = ?`
		args = append(args, conversationID)
	}
	rows, err := s.db.Reader().Query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("aiagent: history: %w", err)
	}
	list, err := db.Collect(rows, func(r *sql.Rows) (TurnRecord, error) {
		var t TurnRecord
		var raw string
		var created, done int64
		if err := r.Scan(&t.ID, &t.ConversationID, &t.MessageID, &t.Status, &t.Outcome, &t.Attempts, &raw, &created, &done); err != nil {
			return t, err
		}
		json.Unmarshal([]byte(raw), &t.Result)
		if t.Result.Actions == nil {
			t.Result.Actions = []ActionResult{}
		}
		if t.Result.Passages == nil {
			t.Result.Passages = []Passage{}
		}
		t.CreatedAt = db.Time(created)
		if done != 0 {
			d := db.Time(done)
			t.DoneAt = &d
		}
		return t, nil
	})
	if err != nil {
		return nil, fmt.Errorf("aiagent: history: %w", err)
	}
	return list, nil
}
