package aiagent

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// ConsumerName keys the AI agents' cursor over the event log.
const ConsumerName = "ai_agents"

// DueTurns names the turn runner's work for db.Tx.Due.
const DueTurns = "ai_agent_turns"

// NewConsumer returns the consumer that turns events into turns: a
// message received on a conversation assigned to an AI agent, or a
// conversation assigned to one while its contact waits for an answer
// (a workflow assigns after the first message arrived). A turn is keyed
// by its message, and written in the transaction that moves the cursor,
// so each inbound message gets exactly one turn, across restarts.
func (s *Service) NewConsumer(hub *event.Hub, g *background.Group) *event.Consumer {
	return event.NewConsumer(s.db, hub, g, event.ConsumerConfig{
		Name:   ConsumerName,
		Types:  []event.Type{event.MessageReceived, event.ConversationAssigned},
		Handle: s.handle,
		Logger: s.log,
		// One turn per message is the unique index on message_id (ON
		// CONFLICT DO NOTHING), and the runner checks the assignment again
		// before it answers (stale), so no exclusive write lock is needed.
		Concurrent: true,
	})
}

func (s *Service) handle(ctx context.Context, tx *db.Tx, events []event.Event) error {
	for _, e := range events {
		if e.ConversationID == 0 {
			continue
		}
		if err := s.enqueue(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// enqueue writes the turn an event calls for, if any.
func (s *Service) enqueue(ctx context.Context, tx *db.Tx, e event.Event) error {
	var agentID int64
	err := tx.QueryRow(ctx, `SELECT c.assignee_id FROM conversations c JOIN ai_agents g ON g.user_id = c.assignee_id
		WHERE c.id = ? AND c.status <> 'closed'`, e.ConversationID).Scan(&agentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not an AI agent's (any more), or closed
	}
	if err != nil {
		return fmt.Errorf("aiagent: consumer: %w", err)
	}
	var messageID int64
	switch e.Type {
	case event.MessageReceived:
		var p struct {
			MessageID int64 `json:"message_id"`
		}
		json.Unmarshal(e.Payload, &p)
		messageID = p.MessageID
	case event.ConversationAssigned:
		var p struct {
			AssigneeID int64 `json:"assignee_id"`
		}
		json.Unmarshal(e.Payload, &p)
		if p.AssigneeID != agentID {
			return nil
		}
		// The contact's last message, if nothing was sent after it: the
		// question the conversation was assigned to the agent with.
		err := tx.QueryRow(ctx, `SELECT m.id FROM messages m WHERE m.conversation_id = ? AND m.direction = 'in'
			AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.conversation_id = m.conversation_id AND o.direction = 'out' AND o.id > m.id)
			ORDER BY m.id DESC LIMIT 1`, e.ConversationID).Scan(&messageID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("aiagent: consumer: %w", err)
		}
	}
	if messageID == 0 {
		return nil
	}
	now := tx.Now()
	if _, err := tx.Exec(ctx, `INSERT INTO ai_agent_turns (workspace_id, agent_id, conversation_id, message_id, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`, e.WorkspaceID, agentID, e.ConversationID, messageID, now); err != nil {
		return fmt.Errorf("aiagent: consumer: %w", err)
	}
	tx.Due(DueTurns, now)
	return nil
}
