package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Message statuses. Inbound messages are "received"; outbound ones move
// pending → sent → delivered → read, or end "failed" with a reason.
const (
	MsgReceived  = "received"
	MsgPending   = "pending"
	MsgSent      = "sent"
	MsgDelivered = "delivered"
	MsgRead      = "read"
	MsgFailed    = "failed"
)

// Message is one message of a conversation, in either direction.
type Message struct {
	ID                int64           `json:"id"`
	WorkspaceID       int64           `json:"workspace_id"`
	ConversationID    int64           `json:"conversation_id,omitempty"`
	ContactID         int64           `json:"contact_id"`
	ChannelID         int64           `json:"channel_id"`
	Direction         string          `json:"direction"` // in or out
	Sender            string          `json:"sender"`    // contact, user, workflow, api, echo
	SenderUserID      int64           `json:"sender_user_id,omitempty"`
	Type              string          `json:"type"`
	Text              string          `json:"text"`
	Content           json.RawMessage `json:"content"`
	ProviderMessageID string          `json:"provider_message_id,omitempty"`
	Status            string          `json:"status"`
	FailureReason     string          `json:"failure_reason,omitempty"`
	SentAt            time.Time       `json:"sent_at,omitzero"` // the provider's timestamp, when it gave one
	CreatedAt         time.Time       `json:"created_at"`
	History           []StatusChange  `json:"history,omitempty"`
	// Reaction is the contact's reaction to the message (an emoji), if any.
	Reaction string `json:"reaction,omitempty"`
	// EditedAt is when the contact last edited the message; Edits (on a
	// single message's read) are the versions it replaced, oldest first.
	EditedAt time.Time     `json:"edited_at,omitzero"`
	Edits    []MessageEdit `json:"edits,omitempty"`
	// AI says the message was written with AI (migration 033): "draft"
	// when an agent sent it from an AI draft, rewrite or translation (even
	// edited), "agent" when an AI agent member wrote it; absent otherwise.
	// Reports never count it as a person's response.
	AI string `json:"ai,omitempty" enum:"draft,agent"`
}

// What Message.AI and SendInput.AI hold for a message written with AI.
const (
	AIDraft = "draft"
	AIAgent = "agent"
)

// MessageEdit is an earlier version of a message the contact edited.
type MessageEdit struct {
	Text     string          `json:"text"`
	Content  json.RawMessage `json:"content"`
	EditedAt time.Time       `json:"edited_at"` // when it was replaced
}

// StatusChange is one step of a message's status history.
type StatusChange struct {
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

const msgColumns = `id, workspace_id, COALESCE(conversation_id, 0), contact_id, channel_id, direction, sender, COALESCE(sender_user_id, 0),
	type, text, content, COALESCE(provider_message_id, ''), status, failure_reason, sent_at, created_at, reaction, edited_at, COALESCE(ai, '')`

// scanMessage reads msgColumns, then any columns a query adds after them
// into extra.
func scanMessage(row interface{ Scan(...any) error }, extra ...any) (Message, error) {
	var m Message
	var content string
	var sent, created, edited int64
	err := row.Scan(append([]any{&m.ID, &m.WorkspaceID, &m.ConversationID, &m.ContactID, &m.ChannelID, &m.Direction, &m.Sender, &m.SenderUserID,
		&m.Type, &m.Text, &content, &m.ProviderMessageID, &m.Status, &m.FailureReason, &sent, &created, &m.Reaction, &edited, &m.AI}, extra...)...)
	m.Content, m.SentAt, m.CreatedAt = json.RawMessage(content), db.Time(sent), db.Time(created)
	if edited != 0 {
		m.EditedAt = db.Time(edited)
	}
	return m, err
}

// GetMessage returns a message with its status history, if the principal
// may see its conversation.
func (s *Service) GetMessage(ctx context.Context, p Principal, id int64) (Message, error) {
	q := s.db.Reader()
	query, args := `SELECT `+msgColumns+` FROM messages WHERE workspace_id = ? AND id = ?`, []any{p.WorkspaceID, id}
	if !p.Unrestricted() {
		scope, scopeArgs := p.ConversationScope("c")
		query += ` AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = messages.conversation_id AND ` + scope + `)`
		args = append(args, scopeArgs...)
	}
	m, err := scanMessage(q.QueryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, apperr.NotFound("message")
	}
	if err != nil {
		return Message{}, fmt.Errorf("conversation: get message: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT status, reason, at FROM message_statuses WHERE message_id = ? ORDER BY id`, id)
	if err != nil {
		return Message{}, fmt.Errorf("conversation: message history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h StatusChange
		var at int64
		if err := rows.Scan(&h.Status, &h.Reason, &at); err != nil {
			return Message{}, err
		}
		h.At = db.Time(at)
		m.History = append(m.History, h)
	}
	if err := rows.Err(); err != nil {
		return Message{}, err
	}
	rows.Close()
	if m.EditedAt.IsZero() {
		return m, nil
	}
	edits, err := q.Query(ctx, `SELECT text, content, edited_at FROM message_edits WHERE message_id = ? ORDER BY id`, id)
	if err != nil {
		return Message{}, fmt.Errorf("conversation: message edits: %w", err)
	}
	m.Edits, err = db.Collect(edits, func(rows *sql.Rows) (MessageEdit, error) {
		var e MessageEdit
		var content string
		var at int64
		err := rows.Scan(&e.Text, &content, &at)
		e.Content, e.EditedAt = json.RawMessage(content), db.Time(at)
		return e, err
	})
	return m, err
}

// ListMessages returns a page of a conversation's messages, oldest first.
func (s *Service) ListMessages(ctx context.Context, p Principal, conversationID int64, req page.Request) (page.Page[Message], error) {
	return s.listMessages(ctx, p, conversationID, req, false)
}

// ListMessagesNewestFirst returns a page of a conversation's messages,
// newest first, its cursor walking towards the older ones: what a view
// that opens at the end of a conversation reads, one page at a time,
// however long the conversation. Its cursors are of page.OrderIDDesc, so
// one of the other order is refused rather than read the wrong way.
func (s *Service) ListMessagesNewestFirst(ctx context.Context, p Principal, conversationID int64, req page.Request) (page.Page[Message], error) {
	return s.listMessages(ctx, p, conversationID, req, true)
}

func (s *Service) listMessages(ctx context.Context, p Principal, conversationID int64, req page.Request, desc bool) (page.Page[Message], error) {
	if _, err := s.Get(ctx, p, conversationID); err != nil {
		return page.Page[Message]{}, err
	}
	order, dir := page.OrderID, "ASC"
	if desc {
		order, dir = page.OrderIDDesc, "DESC"
	}
	after, args := req.ByID("id", desc)
	rows, err := s.db.Reader().Query(ctx, `SELECT `+msgColumns+` FROM messages WHERE conversation_id = ? AND `+after+` ORDER BY id `+dir+` LIMIT ?`,
		append(append([]any{conversationID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Message]{}, fmt.Errorf("conversation: list messages: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Message, error) { return scanMessage(rows) })
	if err != nil {
		return page.Page[Message]{}, fmt.Errorf("conversation: list messages: %w", err)
	}
	return page.Cut(list, req.Limit, func(m Message) page.Cursor { return page.Cursor{Order: order, ID: m.ID} }), nil
}

// RecentMessages returns the last n messages of a conversation the
// principal may see, oldest first: what the AI help reads of it.
func (s *Service) RecentMessages(ctx context.Context, p Principal, conversationID int64, n int) ([]Message, error) {
	list, err := s.someMessages(ctx, p, conversationID, "DESC", n)
	if err != nil {
		return nil, fmt.Errorf("conversation: recent messages: %w", err)
	}
	slices.Reverse(list)
	return list, nil
}

// OpeningMessages returns the conversation's first n messages, oldest
// first (what the customer came for), for a principal who may see it.
func (s *Service) OpeningMessages(ctx context.Context, p Principal, conversationID int64, n int) ([]Message, error) {
	list, err := s.someMessages(ctx, p, conversationID, "ASC", n)
	if err != nil {
		return nil, fmt.Errorf("conversation: opening messages: %w", err)
	}
	return list, nil
}

// someMessages reads n messages of the conversation by id in order
// (ASC or DESC), once the principal may see it.
func (s *Service) someMessages(ctx context.Context, p Principal, conversationID int64, order string, n int) ([]Message, error) {
	if _, err := s.Get(ctx, p, conversationID); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT `+msgColumns+` FROM messages WHERE conversation_id = ? ORDER BY id `+order+` LIMIT ?`,
		conversationID, n)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, func(rows *sql.Rows) (Message, error) { return scanMessage(rows) })
}
