package broadcast

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Received is a broadcast's message as one contact received it: what an
// agent reads beside a conversation the contact opened by answering it,
// since the message is in no conversation.
type Received struct {
	BroadcastID int64     `json:"broadcast_id"`
	Name        string    `json:"name"`
	MessageID   int64     `json:"message_id"`
	Text        string    `json:"text"`
	Status      string    `json:"status"` // the message's
	SentAt      time.Time `json:"sent_at"`
}

// ForContact returns up to n of the broadcasts the contact received,
// newest first. The caller checks the principal may see the contact.
func (s *Service) ForContact(ctx context.Context, p access.Principal, contactID int64, n int) ([]Received, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT b.id, b.name, m.id, m.text, m.status, m.created_at
		FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id JOIN messages m ON m.id = r.message_id
		WHERE r.contact_id = ? AND b.workspace_id = ? ORDER BY r.message_id DESC LIMIT ?`, contactID, p.WorkspaceID, n)
	if err != nil {
		return nil, fmt.Errorf("broadcast: a contact's: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (Received, error) {
		var r Received
		var at int64
		err := rows.Scan(&r.BroadcastID, &r.Name, &r.MessageID, &r.Text, &r.Status, &at)
		r.SentAt = db.Time(at)
		return r, err
	})
}
