// Package conversation holds conversations, their messages and comments,
// and the operations on them: receiving an inbound message (the hot path),
// opening, closing with notes, assigning, snoozing, and sending.
package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Statuses of a conversation. A snoozed conversation is still open: it
// counts towards the one-open-conversation rule.
const (
	StatusOpen    = "open"
	StatusSnoozed = "snoozed"
	StatusClosed  = "closed"
)

// Sources say who opened or closed a conversation.
const (
	SourceContact   = "contact"
	SourceUser      = "user"
	SourceWorkflow  = "workflow"
	SourceAPI       = "api"
	SourceAutoClose = "auto_close"
	SourceAIAgent   = "ai_agent"
)

// Conversation is one cycle of interaction with a contact, open to close.
type Conversation struct {
	ID          int64 `json:"id"`
	WorkspaceID int64 `json:"workspace_id"`
	ContactID   int64 `json:"contact_id"`
	ChannelID   int64 `json:"channel_id,omitempty"`
	// ContactExternalID is the contact's id on that channel their latest
	// message came from: replies go to it while it is still one of theirs
	// (a merged contact may have two numbers on one WhatsApp line).
	ContactExternalID string    `json:"contact_external_id,omitempty"`
	Status            string    `json:"status"`
	OpenedSource      string    `json:"opened_source"`
	OpenedBy          int64     `json:"opened_by,omitempty"`
	AssigneeID        int64     `json:"assignee_id,omitempty"`
	TeamID            int64     `json:"team_id,omitempty"`
	SnoozedUntil      time.Time `json:"snoozed_until,omitzero"`
	ClosedSource      string    `json:"closed_source,omitempty"`
	ClosedBy          int64     `json:"closed_by,omitempty"`
	CloseCategory     string    `json:"close_category,omitempty"`
	CloseSummary      string    `json:"close_summary,omitempty"`
	LastSeq           int64     `json:"last_seq"`
	LastMessageAt     time.Time `json:"last_message_at,omitzero"`
	LastIncomingAt    time.Time `json:"last_incoming_at,omitzero"`
	// WaitingSince is when the oldest contact message still unanswered
	// arrived; absent when the business spoke last or the conversation
	// is closed.
	WaitingSince time.Time `json:"waiting_since,omitzero"`
	OpenedAt     time.Time `json:"opened_at"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	// Unread, in lists read by a person, says whether the contact wrote
	// since that person last read the conversation (see MarkRead);
	// absent for a workspace token.
	Unread *bool `json:"unread,omitempty"`
	// ContactName and LastMessage, in lists, are what an inbox row shows
	// without a request per row: the contact's display name and a preview
	// of the newest message.
	ContactName string          `json:"contact_name,omitempty"`
	LastMessage *MessagePreview `json:"last_message,omitempty"`
	// ReplyWindow, on a single conversation's read, is its channel's
	// customer-service window for the contact; absent when the channel
	// has none.
	ReplyWindow *ReplyWindow `json:"reply_window,omitempty"`
	// Satisfaction, on reads through the API, is the contact's answer to
	// the closed conversation's satisfaction survey (internal/satisfaction
	// fills it); absent until they answer.
	Satisfaction *Satisfaction `json:"satisfaction,omitempty"`
	// Test: the Workflow Builder's test conversation (migration 023),
	// listed only with test=include or test=only.
	Test bool `json:"test,omitempty"`
}

// Satisfaction is a contact's rating of a conversation, 1 to 5, with
// their comment if they left one; the latest answer when they changed it.
type Satisfaction struct {
	Rating  int       `json:"rating"`
	Comment string    `json:"comment,omitempty"`
	RatedAt time.Time `json:"rated_at"`
}

// Service performs conversation operations. Its writes, Receive's above
// all, go through the store's one write door, whose group commit lets
// concurrent webhooks share fsyncs.
type Service struct {
	db      *db.DB
	windows Windows // see SetWindows
	// templates checks and renders template messages (see SetTemplates).
	templates Templates
	// addressers make identities for Open (see SetAddressers).
	addressers Addressers
	batch      receiveBatch  // SQLite's webhooks waiting to be written together
	slotFreed  SlotFreedFunc // see OnSlotFreed
	onRead     ReadFunc      // see OnRead
	// categoryUsers names closing categories (see SetCategoryUsers).
	categoryUsers contact.NameUsers
	// contacts merges the two contacts a move finds one (see movedTx).
	contacts *contact.Service
}

// New returns a Service.
func New(d *db.DB) *Service {
	contacts := contact.New(d)
	contacts.SetConversationCloser(CloseForMergeTx)
	return &Service{db: d, contacts: contacts}
}

const columns = `id, workspace_id, contact_id, COALESCE(channel_id, 0), status, opened_source, COALESCE(opened_by, 0),
	COALESCE(assignee_id, 0), COALESCE(team_id, 0), snoozed_until, COALESCE(closed_source, ''), COALESCE(closed_by, 0),
	COALESCE(close_category, ''), COALESCE(close_summary, ''), last_seq, last_message_at, last_incoming_at, opened_at, closed_at, waiting_since,
	is_test, contact_external_id`

// aliased is columns over conversations aliased c, for lists that join.
var aliased = `c.id, c.workspace_id, c.contact_id, COALESCE(c.channel_id, 0), c.status, c.opened_source, COALESCE(c.opened_by, 0),
	COALESCE(c.assignee_id, 0), COALESCE(c.team_id, 0), c.snoozed_until, COALESCE(c.closed_source, ''), COALESCE(c.closed_by, 0),
	COALESCE(c.close_category, ''), COALESCE(c.close_summary, ''), c.last_seq, c.last_message_at, c.last_incoming_at, c.opened_at,
	c.closed_at, c.waiting_since, c.is_test, c.contact_external_id`

func scan(row interface{ Scan(...any) error }, extra ...any) (Conversation, error) {
	var c Conversation
	var snoozed, lastMsg, lastIn, opened, closed, waiting, test int64
	err := row.Scan(append([]any{&c.ID, &c.WorkspaceID, &c.ContactID, &c.ChannelID, &c.Status, &c.OpenedSource, &c.OpenedBy,
		&c.AssigneeID, &c.TeamID, &snoozed, &c.ClosedSource, &c.ClosedBy, &c.CloseCategory, &c.CloseSummary,
		&c.LastSeq, &lastMsg, &lastIn, &opened, &closed, &waiting, &test, &c.ContactExternalID}, extra...)...)
	c.Test = test != 0
	c.SnoozedUntil, c.LastMessageAt, c.LastIncomingAt = db.Time(snoozed), db.Time(lastMsg), db.Time(lastIn)
	c.OpenedAt, c.ClosedAt = db.Time(opened), db.Time(closed)
	if waiting != NotWaiting {
		c.WaitingSince = db.Time(waiting)
	}
	return c, err
}

// Get returns a conversation the principal may see.
func (s *Service) Get(ctx context.Context, p Principal, id int64) (Conversation, error) {
	return see(ctx, s.db.Reader(), p, id)
}

// GetTx returns a conversation of the workspace as q sees it (inside a
// transaction, with that transaction's writes).
func GetTx(ctx context.Context, q db.Querier, workspaceID, id int64) (Conversation, error) {
	return get(ctx, q, workspaceID, id)
}

func get(ctx context.Context, q db.Querier, workspaceID, id int64) (Conversation, error) {
	c, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM conversations WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, apperr.NotFound("conversation")
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("conversation: get: %w", err)
	}
	return c, nil
}

// getOpen loads, for a change, a conversation that must not be closed.
// On PostgreSQL it reads the row FOR NO KEY UPDATE, holding its lock
// until tx ends: closes, sends and assignments run through the concurrent
// write door too (db.DB.WriteConcurrent), so two closes of one
// conversation, or a send racing its close, take turns on the row and the
// second sees what the first did. SQLite's single writer serialises them
// already. Not FOR UPDATE: that one also stops the foreign key checks of
// every row written pointing at the conversation (FOR KEY SHARE), and
// group-committed batches then deadlocked, one holding a conversation
// and wanting another that the other batch's rows pointed at
// (TestChangeLockLetsReferencesThrough). No change here deletes the row
// or moves its id, which is what FOR UPDATE is for.
func getOpen(ctx context.Context, tx *db.Tx, workspaceID, id int64) (Conversation, error) {
	c, err := getLocked(ctx, tx, workspaceID, id)
	if err != nil {
		return c, err
	}
	if c.Status == StatusClosed {
		return c, apperr.Conflict("conversation %d is closed", id)
	}
	return c, nil
}

// getLocked reads a conversation of the workspace whatever its status,
// locking its row on PostgreSQL as getOpen does.
func getLocked(ctx context.Context, tx *db.Tx, workspaceID, id int64) (Conversation, error) {
	var c Conversation
	var err error
	if tx.Dialect() == db.Postgres {
		c, err = scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM conversations WHERE workspace_id = ? AND id = ? FOR NO KEY UPDATE`, workspaceID, id))
		if errors.Is(err, sql.ErrNoRows) {
			err = apperr.NotFound("conversation")
		} else if err != nil {
			err = fmt.Errorf("conversation: get: %w", err)
		}
	} else {
		c, err = get(ctx, tx, workspaceID, id)
	}
	return c, err
}

// OpenOf returns the contact's open (or snoozed) conversation, or
// apperr.ErrNotFound.
func (s *Service) OpenOf(ctx context.Context, workspaceID, contactID int64) (Conversation, error) {
	c, err := scan(s.db.Reader().QueryRow(ctx, `SELECT `+columns+` FROM conversations WHERE workspace_id = ? AND contact_id = ? AND status <> 'closed'`,
		workspaceID, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, apperr.NotFound("open conversation")
	}
	return c, err
}

// OpenOfTx returns the contact's open (or snoozed) conversation as q sees
// it, or a zero Conversation when there is none.
func OpenOfTx(ctx context.Context, q db.Querier, workspaceID, contactID int64) (Conversation, error) {
	c, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM conversations WHERE workspace_id = ? AND contact_id = ? AND status <> 'closed'`,
		workspaceID, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, nil
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("conversation: open of contact: %w", err)
	}
	return c, nil
}

// appendEvent records a conversation event inside tx.
func appendEvent(ctx context.Context, tx *db.Tx, c Conversation, typ event.Type, payload map[string]any) error {
	return appendEventSeq(ctx, tx, c, typ, payload, 0)
}

// appendEventSeq records a conversation event whose sequence number the
// caller already reserved on the conversation row (0: take the next).
func appendEventSeq(ctx context.Context, tx *db.Tx, c Conversation, typ event.Type, payload map[string]any, seq int64) error {
	payload["conversation_id"] = c.ID
	_, err := event.Append(ctx, tx, event.New{WorkspaceID: c.WorkspaceID, Type: typ, ConversationID: c.ID, ContactID: c.ContactID, Payload: payload, Seq: seq})
	return err
}

// wrap prefixes internal errors, leaving domain errors untouched.
func wrap(op string, err error) error {
	if err == nil || apperr.KindOf(err) != "" {
		return err
	}
	return fmt.Errorf("conversation: %s: %w", op, err)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
