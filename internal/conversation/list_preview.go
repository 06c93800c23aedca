package conversation

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// MessagePreview is the newest message of a conversation as a list row
// shows it: who wrote, its kind and status, and the start of its text.
type MessagePreview struct {
	ID        int64  `json:"id"`
	Direction string `json:"direction" enum:"in,out"`
	Sender    string `json:"sender"`
	// SenderUserID is the person who sent an outbound message ("You:" in
	// their own list).
	SenderUserID int64     `json:"sender_user_id,omitempty"`
	Type         string    `json:"type"`
	Text         string    `json:"text"` // at most previewRunes characters
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
}

// previewRunes bounds a preview's text: a row shows one line of it.
const previewRunes = 160

// previewCols and previewJoin add the contact's name and the newest
// message to a list's rows: a primary-key lookup for the contact, and
// one probe of messages_conversation for the message.
const (
	previewCols = `, pc.first_name, pc.last_name, COALESCE(pc.phone, ''), COALESCE(pc.email, ''),
	COALESCE(lm.id, 0), COALESCE(lm.direction, ''), COALESCE(lm.sender, ''), COALESCE(lm.sender_user_id, 0), COALESCE(lm.type, ''), COALESCE(lm.text, ''),
	COALESCE(lm.status, ''), COALESCE(lm.created_at, 0)`
	previewJoin = ` LEFT JOIN contacts pc ON pc.id = c.contact_id
	LEFT JOIN messages lm ON lm.id = (SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = c.id)`
)

// previewScan holds a row's preview columns until they are set on it.
type previewScan struct {
	first, last, phone, email      string
	msgID, senderUserID            int64
	dir, sender, typ, text, status string
	created                        int64
}

func (ps *previewScan) dest() []any {
	return []any{&ps.first, &ps.last, &ps.phone, &ps.email, &ps.msgID, &ps.dir, &ps.sender, &ps.senderUserID, &ps.typ, &ps.text, &ps.status, &ps.created}
}

func (ps *previewScan) apply(c *Conversation) {
	c.ContactName = DisplayName(ps.first, ps.last, ps.phone, ps.email)
	if ps.msgID == 0 {
		return
	}
	c.LastMessage = &MessagePreview{ID: ps.msgID, Direction: ps.dir, Sender: ps.sender, SenderUserID: ps.senderUserID, Type: ps.typ,
		Text: clip(ps.text, previewRunes), Status: ps.status, CreatedAt: db.Time(ps.created)}
}

// DisplayName is how a contact is named in the inbox: their name, else
// their phone, else their email.
func DisplayName(first, last, phone, email string) string {
	if n := strings.TrimSpace(first + " " + last); n != "" {
		return n
	}
	if phone != "" {
		return phone
	}
	return email
}

// clip cuts s to n characters, on a character boundary, and flattens its
// lines: a preview is one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
