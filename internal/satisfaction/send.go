package satisfaction

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// surveyedSources are the closes that ask the contact: a person's and an
// AI agent's, who talked with them. A workflow sends what it wants
// itself, auto-close closes a conversation the contact left, and a close
// by the API or a merge is an integration's bookkeeping.
var surveyedSources = map[string]bool{conversation.SourceUser: true, conversation.SourceAIAgent: true}

// NewConsumer returns the consumer that sends the surveys: it reads the
// closes from the log (from its newest event when first run, so turning
// the survey on never surveys conversations closed before) and sends
// each survey in the transaction that moves its cursor, so it is sent
// once.
func (s *Service) NewConsumer(hub *event.Hub, g *background.Group) *event.Consumer {
	return event.NewConsumer(s.db, hub, g, event.ConsumerConfig{
		Name: ConsumerName, Types: []event.Type{event.ConversationClosed}, Logger: s.opts.Logger,
		Filter: func(e event.Event) bool {
			var p struct {
				Source string `json:"source"`
			}
			return json.Unmarshal(e.Payload, &p) == nil && surveyedSources[p.Source]
		},
		// A survey is a row keyed by its conversation and a message in
		// it: constraints and the conversation's row lock (taken first,
		// in id order, on PostgreSQL) order it with everything else.
		Concurrent:          true,
		ChangesConversation: func(event.Event) bool { return true },
		Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
			for _, e := range events {
				if err := s.sendTx(ctx, tx, e); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// sendTx sends the survey of the conversation e closed, when its
// workspace has the survey on and the conversation qualifies: the contact
// wrote in it, is not a workflow's test contact, has not come back since
// (a newer conversation) nor has another open (a merge closes the newer
// of two contacts' open conversations, as a user when a person merged
// them: that close resolved nothing), and the channel still takes free
// text.
func (s *Service) sendTx(ctx context.Context, tx *db.Tx, e event.Event) error {
	var on int
	var msg string
	err := tx.QueryRow(ctx, `SELECT survey_enabled, survey_message FROM workspaces WHERE id = ?`, e.WorkspaceID).Scan(&on, &msg)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && on == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("satisfaction: read the survey's settings: %w", err)
	}
	var qualifies int
	var contactID int64
	err = tx.QueryRow(ctx, `SELECT c.contact_id, CASE WHEN c.status = 'closed' AND k.is_test = 0
		AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in')
		AND NOT EXISTS (SELECT 1 FROM conversations n WHERE n.contact_id = c.contact_id AND (n.id > c.id OR n.status <> 'closed'))
		AND NOT EXISTS (SELECT 1 FROM satisfaction_surveys v WHERE v.conversation_id = c.id) THEN 1 ELSE 0 END
		FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ? AND c.workspace_id = ?`,
		e.ConversationID, e.WorkspaceID).Scan(&contactID, &qualifies)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && qualifies == 0) {
		return nil // deleted since, or not one to survey
	}
	if err != nil {
		return fmt.Errorf("satisfaction: read conversation %d: %w", e.ConversationID, err)
	}
	token := newToken()
	// The link first: {{link}} is no variable of the workflows', which
	// would render it empty.
	text := workspace.Survey{Message: msg}.Text(s.link(token))
	if s.render != nil {
		text = s.render(ctx, tx, e.WorkspaceID, contactID, e.ConversationID, text)
	}
	m, err := conversation.SendTx(ctx, tx, e.WorkspaceID, e.ConversationID, conversation.SendInput{
		Text: text, Sender: conversation.SourceWorkflow,
		Windows: s.opts.Windows, AfterClose: true,
	})
	if apperr.KindOf(err) != "" {
		// Refused before it wrote anything (the window closed, the
		// channel gone): this survey cannot be sent, which is no fault.
		s.opts.Logger.Info("satisfaction survey not sent", "conversation_id", e.ConversationID, "reason", err.Error())
		return nil
	}
	if err != nil {
		return fmt.Errorf("satisfaction: send the survey of conversation %d: %w", e.ConversationID, err)
	}
	now := tx.Now()
	_, err = tx.Exec(ctx, `INSERT INTO satisfaction_surveys (conversation_id, workspace_id, message_id, token, sent_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, e.ConversationID, e.WorkspaceID, m.ID, token, now, now+LinkLifetime.Milliseconds())
	if err != nil {
		return fmt.Errorf("satisfaction: record the survey of conversation %d: %w", e.ConversationID, err)
	}
	return nil
}
