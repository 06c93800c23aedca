// Package event is the event log: every state change appends an event in
// the transaction that makes the change, and consumers (API readers, the live
// stream, later workflows and reports) read it after a cursor.
package event

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Type names what happened.
type Type string

// The event types. Their string form is part of the public API.
const (
	ConversationOpened     Type = "conversation.opened"
	ConversationClosed     Type = "conversation.closed"
	ConversationAssigned   Type = "conversation.assigned"
	ConversationUnassigned Type = "conversation.unassigned"
	ConversationSnoozed    Type = "conversation.snoozed"
	ConversationUnsnoozed  Type = "conversation.unsnoozed"
	ConversationRated      Type = "conversation.rated" // the contact answered its satisfaction survey
	MessageReceived        Type = "message.received"
	MessageSent            Type = "message.sent"
	MessageStatus          Type = "message.status"
	MessageReaction        Type = "message.reaction"   // the contact reacted to a message (or took the reaction back)
	MessageEdited          Type = "message.edited"     // the contact edited a message they sent
	MessageAttachment      Type = "message.attachment" // a provider-held attachment was fetched (or failed to be)
	CommentCreated         Type = "comment.created"
	CommentEdited          Type = "comment.edited"  // its author rewrote it
	CommentDeleted         Type = "comment.deleted" // its author, or an owner or manager, removed it
	ContactCreated         Type = "contact.created"
	ContactUpdated         Type = "contact.updated"
	ContactDeleted         Type = "contact.deleted"
	ContactTagUpdated      Type = "contact.tag.updated"
	ContactLifecycle       Type = "contact.lifecycle.updated"
	ContactMerged          Type = "contact.merged"
	ContactIdentityAdded   Type = "contact.identity.added"  // a known contact became reachable on one more channel
	ContactMergeDismissed  Type = "contact.merge.dismissed" // two contacts marked "not a duplicate"
	ContactMergeRestored   Type = "contact.merge.restored"  // that dismissal taken back ("suggest again")

	// Routing: availability, capacity and queues.
	UserPresenceUpdated    Type = "user.presence.updated"
	UserCapacityUpdated    Type = "user.capacity.updated"
	ConversationQueued     Type = "conversation.queued"
	RoutingSettingsUpdated Type = "routing.settings.updated"
	TeamMembersUpdated     Type = "team.members.updated"

	// Workflows: what a run did to a conversation, in its timeline.
	WorkflowRunStarted Type = "workflow.run.started"
	WorkflowStep       Type = "workflow.step"
	WorkflowRunEnded   Type = "workflow.run.ended"

	// AI agents: one turn of an AI agent on a conversation (what it read,
	// retrieved, did or refused, and why it handed over), in its timeline.
	AIAgentTurn Type = "ai_agent.turn"

	// Outgoing webhooks: an endpoint was disabled (410 Gone, or failing
	// for 24 hours); the notification consumer tells the owners.
	WebhookDisabled Type = "webhook.disabled"
)

// Types lists every event type, for validation of subscription filters.
var Types = []Type{
	ConversationOpened, ConversationClosed, ConversationAssigned, ConversationUnassigned,
	ConversationSnoozed, ConversationUnsnoozed, ConversationRated, MessageReceived, MessageSent, MessageStatus,
	MessageReaction, MessageEdited, MessageAttachment, CommentCreated, CommentEdited, CommentDeleted, ContactCreated, ContactUpdated, ContactDeleted, ContactTagUpdated, ContactLifecycle, ContactMerged, ContactIdentityAdded,
	ContactMergeDismissed, ContactMergeRestored,
	UserPresenceUpdated, UserCapacityUpdated, ConversationQueued, RoutingSettingsUpdated, TeamMembersUpdated,
	WorkflowRunStarted, WorkflowStep, WorkflowRunEnded, WebhookDisabled, AIAgentTurn,
}

// Event is one entry of the log.
type Event struct {
	ID             int64           `json:"id"`
	WorkspaceID    int64           `json:"workspace_id"`
	Type           Type            `json:"type"`
	ConversationID int64           `json:"conversation_id,omitempty"`
	ContactID      int64           `json:"contact_id,omitempty"`
	Seq            int64           `json:"seq,omitempty"` // order within the conversation, from 1
	Payload        json.RawMessage `json:"payload"`
	CreatedAt      time.Time       `json:"created_at"`
}

// New describes an event to append; Payload is marshalled to JSON.
type New struct {
	WorkspaceID    int64
	Type           Type
	ConversationID int64
	ContactID      int64
	Payload        any
	// Seq, when not zero, is a sequence number the caller already took from
	// the conversation row in a statement it had to run anyway (saving an
	// UPDATE on the hot path); zero lets Append take the next one.
	Seq int64
}

// The statement that inserts events, and one row of it.
const (
	insertEvent = `INSERT INTO events (workspace_id, type, conversation_id, contact_id, seq, payload, created_at) VALUES `
	eventRow    = `(?, ?, ?, ?, ?, ?, ?)`
)

// Append writes e to the log inside tx. Events of a conversation get the
// next sequence number of that conversation, taken from its row so that
// the number and the change commit together. In a transaction that
// defers events (db.Tx.DefersEvents) the row is inserted later, with the
// transaction's others, and the Event returned has no ID.
func Append(ctx context.Context, tx *db.Tx, e New) (Event, error) {
	payload := []byte("{}")
	if e.Payload != nil {
		var err error
		if payload, err = json.Marshal(e.Payload); err != nil {
			return Event{}, fmt.Errorf("event: marshal %s payload: %w", e.Type, err)
		}
	}
	if err := tx.EventAppended(ctx); err != nil {
		return Event{}, err
	}
	seq := e.Seq
	if e.ConversationID != 0 && seq == 0 {
		if err := tx.QueryRow(ctx, `UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq`,
			e.ConversationID).Scan(&seq); err != nil {
			return Event{}, fmt.Errorf("event: next seq of conversation %d: %w", e.ConversationID, err)
		}
	}
	now := tx.Now()
	args := []any{e.WorkspaceID, string(e.Type), nullID(e.ConversationID), nullID(e.ContactID), seq, string(payload), now}
	if tx.DefersEvents() {
		// Inserted with the transaction's other events in one statement
		// (see db.Tx.AppendLater); the id is known only then.
		tx.AppendLater(insertEvent, eventRow, args...)
		return Event{WorkspaceID: e.WorkspaceID, Type: e.Type, ConversationID: e.ConversationID,
			ContactID: e.ContactID, Seq: seq, Payload: payload, CreatedAt: db.Time(now)}, nil
	}
	// The queued ones first, so ids follow the order of appending.
	if err := tx.FlushEvents(ctx); err != nil {
		return Event{}, err
	}
	var id int64
	err := tx.QueryRow(ctx, insertEvent+eventRow+` RETURNING id`, args...).Scan(&id)
	if err != nil {
		return Event{}, fmt.Errorf("event: append %s: %w", e.Type, err)
	}
	tx.NoteEvent(id)
	return Event{ID: id, WorkspaceID: e.WorkspaceID, Type: e.Type, ConversationID: e.ConversationID,
		ContactID: e.ContactID, Seq: seq, Payload: payload, CreatedAt: db.Time(now)}, nil
}

// Filter narrows a read of the log.
type Filter struct {
	WorkspaceID    int64
	After          int64 // cursor: return events with a larger id
	ConversationID int64
	Types          []Type
	Limit          int
	// Desc lists newest first, from Before (exclusive; 0: the newest) back:
	// a conversation's timeline shows its last events, however many.
	Desc   bool
	Before int64
	// Viewer, when restricted, keeps only the events it may see (see
	// visibleTo); the zero Principal of engine readers sees everything.
	Viewer access.Principal
}

// Matches reports whether e is one of the events f selects, whatever its
// cursor and limit: the live tail filters with it.
func (f Filter) Matches(e Event) bool {
	if e.WorkspaceID != f.WorkspaceID || (f.ConversationID != 0 && e.ConversationID != f.ConversationID) {
		return false
	}
	return len(f.Types) == 0 || slices.Contains(f.Types, e.Type)
}

// List returns the events after f.After in id order (f.Desc: before
// f.Before, newest first), at most f.Limit, only up to the event horizon
// (see db.DB.EventHorizon).
func List(ctx context.Context, q db.Querier, f Filter) ([]Event, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	// Up to the event horizon, so that a client moving its cursor to the
	// last event returned never skips one that commits late.
	horizon, err := q.EventHorizon(ctx)
	if err != nil {
		return nil, fmt.Errorf("event: list: %w", err)
	}
	if horizon <= f.After {
		return []Event{}, nil
	}
	query := `SELECT ` + eventColumns + ` FROM events WHERE workspace_id = ? AND id > ? AND id <= ?`
	args := []any{f.WorkspaceID, f.After, horizon}
	if f.Desc && f.Before > 0 {
		query += ` AND id < ?`
		args = append(args, f.Before)
	}
	if f.ConversationID != 0 {
		query += ` AND conversation_id = ?`
		args = append(args, f.ConversationID)
	}
	if len(f.Types) > 0 {
		in, typeArgs := db.In(f.Types)
		query += ` AND type IN ` + in
		args = append(args, typeArgs...)
	}
	if !f.Viewer.Unrestricted() {
		cond, condArgs := visibleTo(f.Viewer, q.Dialect())
		query += ` AND ` + cond
		args = append(args, condArgs...)
	}
	if f.Desc {
		query += ` ORDER BY id DESC LIMIT ?`
	} else {
		query += ` ORDER BY id LIMIT ?`
	}
	args = append(args, f.Limit)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("event: list: %w", err)
	}
	return db.Collect(rows, scanEvent)
}

// eventColumns are the columns scanEvent reads, in order.
const eventColumns = `id, workspace_id, type, COALESCE(conversation_id, 0), COALESCE(contact_id, 0), seq, payload, created_at`

func scanEvent(rows *sql.Rows) (Event, error) {
	var e Event
	var payload string
	var created int64
	err := rows.Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &e.ContactID, &e.Seq, &payload, &created)
	e.Payload, e.CreatedAt = json.RawMessage(payload), db.Time(created)
	return e, err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
