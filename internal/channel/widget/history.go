package widget

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// historyLimit is how many of their latest messages a visitor is shown.
const historyLimit = 200

// Message is a message as the visitor sees it: their own and the
// business's replies, never internal comments, never another contact's.
type Message struct {
	ID             int64  `json:"id"`
	ConversationID int64  `json:"conversation_id"`
	Direction      string `json:"direction"` // in: the visitor's; out: the business's
	Type           string `json:"type"`
	Text           string `json:"text"`
	// Replies are the choices of a question, shown as buttons.
	Replies     []string     `json:"replies,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// SenderName names the person of the team who wrote a reply (their
	// name in the workspace), as chat widgets do; empty for the visitor's
	// own messages and for the automated ones (workflows, the API).
	SenderName string    `json:"sender_name,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Attachment is a file of a message.
type Attachment struct {
	Type string `json:"type"`
	URL  string `json:"url"`
	Name string `json:"name,omitempty"`
}

// contactOf returns the contact of a visitor on the channel, 0 if they
// have not written yet.
func contactOf(ctx context.Context, q db.Querier, channelID int64, visitorID string) (int64, error) {
	id, err := contact.IdentityContact(ctx, q, channelID, visitorID)
	if err != nil {
		return 0, fmt.Errorf("widget: visitor's contact: %w", err)
	}
	return id, nil
}

// messagesOf returns messages of contactID on the channel, oldest first,
// at most historyLimit: without after (0) the latest ones, the page the
// widget opens on; after a message id the next ones, so a client that
// polls with the last id it read catches up page by page (the latest
// page of those after the id skipped everything before it). A failed
// outbound message never reached the visitor and is left out.
func messagesOf(ctx context.Context, q db.Querier, channelID, contactID, after int64) ([]Message, error) {
	order := "DESC"
	if after > 0 {
		order = "ASC"
	}
	rows, err := q.Query(ctx, `SELECT m.id, COALESCE(m.conversation_id, 0), m.direction, m.type, m.text, m.content,
			CASE WHEN m.sender = 'user' THEN COALESCE(u.name, '') ELSE '' END, m.created_at
		FROM messages m LEFT JOIN users u ON u.id = m.sender_user_id
		WHERE m.channel_id = ? AND m.contact_id = ? AND m.id > ? AND NOT (m.direction = 'out' AND m.status = 'failed')
		ORDER BY m.id `+order+` LIMIT ?`, channelID, contactID, after, historyLimit)
	if err != nil {
		return nil, fmt.Errorf("widget: history: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var content string
		var created int64
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Direction, &m.Type, &m.Text, &content, &m.SenderName, &created); err != nil {
			return nil, fmt.Errorf("widget: history: %w", err)
		}
		m.CreatedAt = db.Time(created)
		fillContent(&m, content)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("widget: history: %w", err)
	}
	if after == 0 {
		slices.Reverse(out)
	}
	return out, nil
}

// fillContent takes the quick replies and attachments of a message's
// content, in the shapes the workflow steps and the composer store.
func fillContent(m *Message, content string) {
	var c struct {
		Replies     channel.ReplyTitles `json:"replies"`
		Attachments []struct {
			Type     string `json:"type"`
			URL      string `json:"url"`
			Filename string `json:"filename"`
			Name     string `json:"name"`
		} `json:"attachments"`
		Attachment *struct {
			Type     string `json:"type"`
			URL      string `json:"url"`
			FileName string `json:"file_name"`
		} `json:"attachment"`
	}
	if json.Unmarshal([]byte(content), &c) != nil {
		return
	}
	if m.Direction == "out" {
		m.Replies = c.Replies
	}
	for _, a := range c.Attachments {
		name := a.Filename
		if name == "" {
			name = a.Name
		}
		m.Attachments = append(m.Attachments, Attachment{Type: a.Type, URL: a.URL, Name: name})
	}
	if c.Attachment != nil && c.Attachment.URL != "" {
		m.Attachments = append(m.Attachments, Attachment{Type: c.Attachment.Type, URL: c.Attachment.URL, Name: c.Attachment.FileName})
	}
}

// seenAt returns when a person of the business last read one of the
// visitor's conversations on the channel (zero: never): the visitor's
// messages stored up to then were seen. Unread by hand, a read is
// forgotten, and so is that it was seen.
func seenAt(ctx context.Context, q db.Querier, channelID, contactID int64) (time.Time, error) {
	var at int64
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(r.read_at), 0) FROM conversations c
		JOIN conversation_reads r ON r.conversation_id = c.id
		WHERE c.contact_id = ? AND c.channel_id = ?`, contactID, channelID).Scan(&at)
	if err != nil || at == 0 {
		return time.Time{}, err
	}
	return db.Time(at), nil
}

// conversationOf returns the assignee and team of a conversation (zero
// for none), which decide who is told the visitor is typing.
func conversationOf(ctx context.Context, q db.Querier, id int64) (assigneeID, teamID int64, err error) {
	err = q.QueryRow(ctx, `SELECT COALESCE(assignee_id, 0), COALESCE(team_id, 0) FROM conversations WHERE id = ?`, id).Scan(&assigneeID, &teamID)
	return assigneeID, teamID, err
}
