package satisfaction

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Attach sets the Satisfaction of those of convs (conversations of
// workspaceID) whose contact answered their survey: what the inbox shows
// on a conversation's header and in the contact's past conversations.
// Only closed conversations are surveyed, so a page of open ones costs no
// query.
func (s *Service) Attach(ctx context.Context, workspaceID int64, convs []conversation.Conversation) error {
	at := make(map[int64]int, len(convs)) // conversation id → index in convs
	ids := make([]int64, 0, len(convs))
	for i, c := range convs {
		if c.Status == conversation.StatusClosed {
			at[c.ID] = i
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	in, args := db.In(ids)
	rows, err := s.db.Reader().Query(ctx, `SELECT conversation_id, rating, comment, rated_at FROM satisfaction_surveys
		WHERE workspace_id = ? AND rating > 0 AND conversation_id IN `+in, append([]any{workspaceID}, args...)...)
	if err != nil {
		return fmt.Errorf("satisfaction: read answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, rated int64
		var a conversation.Satisfaction
		if err := rows.Scan(&id, &a.Rating, &a.Comment, &rated); err != nil {
			return fmt.Errorf("satisfaction: read answers: %w", err)
		}
		a.RatedAt = db.Time(rated)
		convs[at[id]].Satisfaction = &a
	}
	return rows.Err()
}
