package broadcast

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// RecipientSkipped is a recipient's status when no message went to them.
const RecipientSkipped = "skipped"

// Recipient is a contact a broadcast went to, and what became of it.
type Recipient struct {
	ContactID   int64  `json:"contact_id"`
	ContactName string `json:"contact_name"`
	MessageID   int64  `json:"message_id,omitempty"`
	// Status is the message's (pending, sent, delivered, read, failed),
	// or skipped.
	Status string `json:"status"`
	// Reason says why it was skipped, or why the message failed.
	Reason    string    `json:"reason,omitempty"`
	Replied   bool      `json:"replied"`
	RepliedAt time.Time `json:"replied_at,omitzero"`
}

// recipientFilters are the statuses Recipients narrows to, each a
// condition over the recipient r and its message m.
var recipientFilters = map[string]string{
	"pending": `m.status = 'pending'`, "sent": `m.status = 'sent'`, "delivered": `m.status = 'delivered'`,
	"read": `m.status = 'read'`, "failed": `m.status = 'failed'`, RecipientSkipped: `r.message_id IS NULL`,
	"replied": repliedCond,
}

// Recipients returns up to n of a broadcast's recipients after the
// contact id after, in contact id order; status ("" for all) narrows them
// to one status of their message, skipped or replied.
func (s *Service) Recipients(ctx context.Context, p access.Principal, id int64, status string, after int64, n int) ([]Recipient, error) {
	where := `r.broadcast_id = ? AND r.contact_id > ?`
	if status != "" {
		cond, ok := recipientFilters[status]
		if !ok {
			return nil, apperr.BadRequest("status must be one of pending, sent, delivered, read, failed, skipped or replied")
		}
		where += ` AND ` + cond
	}
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT r.contact_id, c.first_name, c.last_name, COALESCE(r.message_id, 0), r.skipped,
		COALESCE(m.status, ''), COALESCE(m.failure_reason, ''),
		CASE WHEN r.message_id IS NULL THEN 0 ELSE COALESCE((SELECT MIN(i.created_at) FROM messages i
			WHERE i.contact_id = r.contact_id AND i.direction = 'in' AND i.id > r.message_id), 0) END
		FROM broadcast_recipients r JOIN contacts c ON c.id = r.contact_id LEFT JOIN messages m ON m.id = r.message_id
		WHERE `+where+` ORDER BY r.contact_id LIMIT ?`, id, after, n)
	if err != nil {
		return nil, fmt.Errorf("broadcast: recipients: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (Recipient, error) {
		var r Recipient
		var first, last, skipped, status, failure string
		var replied int64
		if err := rows.Scan(&r.ContactID, &first, &last, &r.MessageID, &skipped, &status, &failure, &replied); err != nil {
			return r, err
		}
		r.ContactName = strings.TrimSpace(first + " " + last)
		r.Status, r.Reason = status, failure
		if r.MessageID == 0 {
			r.Status, r.Reason = RecipientSkipped, skipped
		}
		if replied > 0 {
			r.Replied, r.RepliedAt = true, db.Time(replied)
		}
		return r, nil
	})
}
