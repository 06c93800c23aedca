// Package notification is the bell in an agent's header: someone
// mentioned them in a comment, or assigned them a conversation. It is a
// consumer of the event log, so a notification is made once per event
// and person, in the write that moves its cursor, whatever path produced
// the event (the inbox, the API, a workflow, routing).
package notification

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Kinds of notification.
const (
	KindMention    = "mention"
	KindAssignment = "assignment"
	// KindWebhookDisabled tells the workspace's owners that an outgoing
	// webhook endpoint was disabled (410 Gone, or failing for 24 hours);
	// it is about no conversation, and SubjectID is the endpoint.
	KindWebhookDisabled = "webhook_disabled"
)

// Notification is one line of the bell.
type Notification struct {
	ID             int64     `json:"id"`
	Kind           string    `json:"kind"`
	ConversationID int64     `json:"conversation_id,omitempty"` // absent for a notification about no conversation
	SubjectID      int64     `json:"subject_id,omitempty"`      // webhook_disabled: the endpoint
	EventID        int64     `json:"event_id"`
	ByUserID       int64     `json:"by_user_id,omitempty"` // who mentioned or assigned; absent for routing or a workflow
	CreatedAt      time.Time `json:"created_at"`
	ReadAt         time.Time `json:"read_at,omitzero"`
}

// Service reads and marks a member's notifications.
type Service struct{ db *db.DB }

// New returns the service on d.
func New(d *db.DB) *Service { return &Service{db: d} }

// ConsumerName keys the consumer's cursor.
const ConsumerName = "notifications"

// NewConsumer returns the consumer that makes notifications from the log.
// mailAfter, when not zero, is how long after its event a notification is
// mailed to a member who wants its kind mailed and has not seen it by
// then (see mail.go); zero, on a node that sends no mail, schedules none.
func NewConsumer(d *db.DB, hub *event.Hub, g *background.Group, mailAfter time.Duration) *event.Consumer {
	return event.NewConsumer(d, hub, g, event.ConsumerConfig{
		Name:  ConsumerName,
		Types: []event.Type{event.CommentCreated, event.CommentEdited, event.CommentDeleted, event.ConversationAssigned, event.WebhookDisabled},
		// It only inserts notifications, once per event (the cursor
		// orders it with itself): no exclusive write needed.
		Concurrent: true,
		Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
			for _, e := range events {
				if err := notify(ctx, tx, e, mailAfter); err != nil {
					return fmt.Errorf("notification: event %d: %w", e.ID, err)
				}
			}
			return nil
		},
	})
}

// notify makes the notifications one event calls for: each user a
// comment mentions (but its author), or the new assignee (unless they
// assigned themselves, or already held it: a move to another team that
// keeps its assignee assigns them nothing). A redelivered event adds
// nothing.
func notify(ctx context.Context, tx *db.Tx, e event.Event, mailAfter time.Duration) error {
	switch e.Type {
	case event.WebhookDisabled:
		return notifyOwners(ctx, tx, e, mailAfter)
	case event.CommentDeleted:
		return forgetComment(ctx, tx, e)
	}
	var p struct {
		UserID     int64   `json:"user_id"`              // comment.created: the author
		Mentions   []int64 `json:"mentions"`             // comment.created
		Added      []int64 `json:"new_mentions"`         // comment.edited: those the edit mentioned first
		AssigneeID int64   `json:"assignee_id"`          // conversation.assigned
		Previous   int64   `json:"previous_assignee_id"` // conversation.assigned: who held it
		ByUserID   int64   `json:"by_user_id"`           // conversation.assigned, when a person did it
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	kind, by, users := KindMention, p.UserID, p.Mentions
	if e.Type == event.CommentEdited {
		users = p.Added // the others were told when they were first mentioned
	}
	if e.Type == event.ConversationAssigned {
		kind, by, users = KindAssignment, p.ByUserID, []int64{p.AssigneeID}
		if p.AssigneeID == p.Previous {
			return nil
		}
	}
	mailAt, mailArgs := mailAtSQL(kind, db.Millis(e.CreatedAt), mailAfter)
	for _, u := range users {
		if u == 0 || u == by {
			continue
		}
		// Only while the conversation exists: one deleted (with its
		// contact) before the consumer got here has nothing to show, and
		// the row's foreign key would fail the batch at every retry,
		// stopping every workspace's notifications. And never for an AI
		// agent member: it has no sign-in, so no bell, and its rows (one
		// per conversation routed to it) would pile up unread forever.
		args := append([]any{e.WorkspaceID, kind, e.ConversationID, e.ID, by, db.Millis(e.CreatedAt)}, mailArgs...)
		res, err := tx.Exec(ctx, `INSERT INTO notifications (workspace_id, user_id, kind, conversation_id, event_id, by_user_id, created_at, mail_at)
			SELECT ?, users.id, ?, ?, ?, ?, ?, `+mailAt+` FROM users WHERE users.id = ? AND users.kind <> 'ai_agent'
			AND EXISTS (SELECT 1 FROM conversations WHERE id = ?) ON CONFLICT (event_id, user_id) DO NOTHING`,
			append(args, u, e.ConversationID)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			scheduleMail(tx, e, mailAfter)
		}
	}
	return nil
}

// forgetComment removes the notifications of the mentions in a comment
// that was deleted: what they pointed to is gone. (A consumer behind the
// deletion makes them from the comment's erased events, which keep their
// mentions, and removes them here, comment.deleted being after them.)
func forgetComment(ctx context.Context, tx *db.Tx, e event.Event) error {
	var p struct {
		CommentID int64 `json:"comment_id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	of, args := event.CommentEvents(tx.Dialect(), p.CommentID)
	_, err := tx.Exec(ctx, `DELETE FROM notifications WHERE kind = ? AND conversation_id = ? AND event_id IN (
		SELECT id FROM events WHERE conversation_id = ? AND `+of+`)`, append([]any{KindMention, e.ConversationID, e.ConversationID}, args...)...)
	return err
}

// notifyOwners tells each active owner of the workspace that a webhook
// endpoint was disabled.
func notifyOwners(ctx context.Context, tx *db.Tx, e event.Event, mailAfter time.Duration) error {
	var p struct {
		EndpointID int64 `json:"endpoint_id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	mailAt, mailArgs := mailAtSQL(KindWebhookDisabled, db.Millis(e.CreatedAt), mailAfter)
	res, err := tx.Exec(ctx, `INSERT INTO notifications (workspace_id, user_id, kind, event_id, created_at, subject_id, mail_at)
		SELECT workspace_id, id, ?, ?, ?, ?, `+mailAt+` FROM users WHERE workspace_id = ? AND role = 'owner' AND deactivated_at = 0
		ON CONFLICT (event_id, user_id) DO NOTHING`,
		append(append([]any{KindWebhookDisabled, e.ID, db.Millis(e.CreatedAt), p.EndpointID}, mailArgs...), e.WorkspaceID)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		scheduleMail(tx, e, mailAfter)
	}
	return nil
}

// mailAtSQL is the SQL of a new notification's mail_at, over the users
// row it is made for: when its mail falls due (the event's time, at, plus
// mailAfter) if the member wants kind mailed (no settings: the defaults,
// on), else 0; and its arguments. With mailAfter zero (a node that sends
// no mail) it is 0.
func mailAtSQL(kind string, at int64, mailAfter time.Duration) (string, []any) {
	if mailAfter <= 0 {
		return "0", nil
	}
	return `CASE WHEN COALESCE((SELECT s.` + mailColumn[kind] + ` FROM notification_settings s WHERE s.user_id = users.id), 1) = 1
		THEN CAST(? AS BIGINT) ELSE 0 END`, []any{at + mailAfter.Milliseconds()}
}

// scheduleMail tells the mails' timer of the mail an event's new
// notifications may have (a member who wants none wakes it for nothing).
func scheduleMail(tx *db.Tx, e event.Event, mailAfter time.Duration) {
	if mailAfter > 0 {
		tx.Due(DueMail, db.Millis(e.CreatedAt)+mailAfter.Milliseconds())
	}
}

// ListFilter narrows a member's notifications.
type ListFilter struct {
	UnreadOnly bool
}

// shown returns the condition, over notifications n left joined with
// their conversations c, that keeps what p's bell shows now: a
// notification about a conversation p may still see (one reassigned away
// drops out), and a disabled webhook while p is an owner (the members it
// is made for; one made an agent since cannot open the webhooks' settings).
func shown(p access.Principal) (string, []any) {
	scope, args := p.ConversationScope("c")
	cond := `(n.conversation_id IS NULL OR ` + scope + `)`
	if p.Role != access.RoleOwner {
		cond += ` AND n.kind <> '` + KindWebhookDisabled + `'`
	}
	return cond, args
}

// List returns a page of p's notifications, newest first, of those its
// bell shows (see shown).
func (s *Service) List(ctx context.Context, p access.Principal, f ListFilter, req page.Request) (page.Page[Notification], error) {
	after, args := req.ByID("n.id", true)
	scope, scopeArgs := shown(p)
	q := `SELECT n.id, n.kind, COALESCE(n.conversation_id, 0), n.subject_id, n.event_id, n.by_user_id, n.created_at, n.read_at
		FROM notifications n LEFT JOIN conversations c ON c.id = n.conversation_id
		WHERE n.user_id = ? AND n.workspace_id = ? AND ` + after + ` AND ` + scope
	if f.UnreadOnly {
		q += ` AND n.read_at = 0`
	}
	all := append(append(append([]any{p.UserID, p.WorkspaceID}, args...), scopeArgs...), req.Fetch())
	rows, err := s.db.Reader().Query(ctx, q+` ORDER BY n.id DESC LIMIT ?`, all...)
	if err != nil {
		return page.Page[Notification]{}, fmt.Errorf("notification: list: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Notification, error) {
		var n Notification
		var created, read int64
		err := rows.Scan(&n.ID, &n.Kind, &n.ConversationID, &n.SubjectID, &n.EventID, &n.ByUserID, &created, &read)
		n.CreatedAt, n.ReadAt = db.Time(created), db.Time(read)
		return n, err
	})
	return page.CutByID(list, req.Limit, func(n Notification) int64 { return n.ID }), err
}

// Unread counts p's unread notifications of those its bell shows.
func (s *Service) Unread(ctx context.Context, p access.Principal) (int, error) {
	scope, args := shown(p)
	var n int
	err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM notifications n LEFT JOIN conversations c ON c.id = n.conversation_id
		WHERE n.user_id = ? AND n.workspace_id = ? AND n.read_at = 0 AND `+scope, append([]any{p.UserID, p.WorkspaceID}, args...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notification: unread: %w", err)
	}
	return n, nil
}

// MarkRead marks p's notifications read: those with the given ids, or
// all of them when ids is empty. Ids that are not p's are ignored.
func (s *Service) MarkRead(ctx context.Context, p access.Principal, ids []int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		q := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND workspace_id = ? AND read_at = 0`
		args := []any{tx.Now(), p.UserID, p.WorkspaceID}
		if len(ids) > 0 {
			in, idArgs := db.In(ids)
			q += ` AND id IN ` + in
			args = append(args, idArgs...)
		}
		_, err := tx.Exec(ctx, q, args...)
		return err
	})
}

// ConversationReadTx marks read, in tx, userID's notifications about a
// conversation they have just read (conversation.Service.OnRead): its
// mentions and its assignment are seen, so the bell drops them and no
// mail tells of them.
func ConversationReadTx(ctx context.Context, tx *db.Tx, userID, conversationID int64) error {
	_, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND conversation_id = ? AND read_at = 0`,
		tx.Now(), userID, conversationID)
	if err != nil {
		return fmt.Errorf("notification: mark conversation read: %w", err)
	}
	return nil
}
