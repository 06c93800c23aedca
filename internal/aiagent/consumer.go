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
	agents, err := aiAssignees(ctx, tx, events)
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.ConversationID == 0 {
			continue
		}
		if err := s.enqueue(ctx, tx, e, agents[e.ConversationID]); err != nil {
			return err
		}
	}
	return nil
}

// maxAssigneeIDs bounds the conversation ids of one aiAssignees query.
const maxAssigneeIDs = 500

// aiAssignees returns, for the conversations of events that are open and
// assigned to an AI agent, that agent: one query for the batch, not one
// per event (most conversations have no AI agent, and the question was a
// statement of every message received and every assignment). The batch's
// transaction writes no assignment, so what it reads at its start holds
// for each of its events.
func aiAssignees(ctx context.Context, tx *db.Tx, events []event.Event) (map[int64]int64, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range events {
		if e.ConversationID != 0 && !seen[e.ConversationID] {
			seen[e.ConversationID] = true
			ids = append(ids, e.ConversationID)
		}
	}
	agents := map[int64]int64{}
	for len(ids) > 0 {
		n := min(len(ids), maxAssigneeIDs)
		in, args := db.In(ids[:n])
		ids = ids[n:]
		rows, err := tx.Query(ctx, `SELECT c.id, c.assignee_id FROM conversations c JOIN ai_agents g ON g.user_id = c.assignee_id
			WHERE c.id IN `+in+` AND c.status <> 'closed'`, args...)
		if err != nil {
			return nil, fmt.Errorf("aiagent: consumer: %w", err)
		}
		for rows.Next() {
			var conv, agent int64
			if err := rows.Scan(&conv, &agent); err != nil {
				rows.Close()
				return nil, fmt.Errorf("aiagent: consumer: %w", err)
			}
			agents[conv] = agent
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("aiagent: consumer: %w", err)
		}
	}
	return agents, nil
}

// enqueue writes the turn an event calls for, if any. agentID is the AI
// agent the event's conversation is assigned to (0: none, or closed).
func (s *Service) enqueue(ctx context.Context, tx *db.Tx, e event.Event, agentID int64) error {
	if agentID == 0 {
		return nil // not an AI agent's (any more), or closed
	}
	var messageID int64
	switch e.Type {
	case event.MessageReceived:
		var p struct {
			MessageID int64 `json:"message_id"`
			Automatic bool  `json:"automatic"`
		}
		json.Unmarshal(e.Payload, &p)
		if p.Automatic {
			return nil // an out-of-office asks nothing: answering it would start a loop
		}
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
