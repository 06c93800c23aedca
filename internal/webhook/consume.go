package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// NewConsumer returns the consumer that turns events into deliveries: for
// each event, one pending delivery per enabled endpoint of its workspace
// that wants it, inserted in the write that moves the cursor (so each is
// made exactly once), due at once.
func NewConsumer(d *db.DB, hub *event.Hub, g *background.Group, giveUp time.Duration) *event.Consumer {
	return event.NewConsumer(d, hub, g, event.ConsumerConfig{
		Name:  ConsumerName,
		Types: logTypes,
		// It only inserts deliveries, once per event and endpoint (the
		// cursor orders it with itself): no exclusive write needed.
		Concurrent: true,
		Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
			endpoints := map[int64][]Endpoint{} // by workspace, for this batch
			made := false
			for _, e := range events {
				switch e.Type {
				case event.ContactDeleted:
					// Whether or not an endpoint wants it: see eraseContact.
					if err := eraseContact(ctx, tx, e.WorkspaceID, e.ContactID); err != nil {
						return err
					}
				case event.CommentDeleted:
					if err := eraseComment(ctx, tx, e); err != nil {
						return err
					}
				}
				name := subscription(e)
				if name == "" {
					continue
				}
				eps, ok := endpoints[e.WorkspaceID]
				if !ok {
					var err error
					if eps, err = enabledEndpoints(ctx, tx, e.WorkspaceID); err != nil {
						return err
					}
					endpoints[e.WorkspaceID] = eps
				}
				var b []byte
				for _, ep := range eps {
					if !ep.wants(name) {
						continue
					}
					if b == nil {
						var err error
						if b, err = body(e); err != nil {
							return err
						}
					}
					if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, conversation_id,
						body, state, next_attempt_at, give_up_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
						ON CONFLICT (endpoint_id, event_id) WHERE event_id > 0 DO NOTHING`,
						e.WorkspaceID, ep.ID, e.ID, string(e.Type), e.ConversationID, string(b), tx.Now(), tx.Now()+giveUp.Milliseconds(), tx.Now()); err != nil {
						return fmt.Errorf("webhook: delivery of event %d: %w", e.ID, err)
					}
					made = true
				}
			}
			if made {
				tx.Due(DueKind, 0)
			}
			return nil
		},
	})
}

// enabledEndpoints returns the workspace's enabled endpoints, in tx.
func enabledEndpoints(ctx context.Context, tx *db.Tx, workspaceID int64) ([]Endpoint, error) {
	rows, err := tx.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE workspace_id = ? AND enabled = 1`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("webhook: endpoints: %w", err)
	}
	defer rows.Close()
	var out []Endpoint
	for rows.Next() {
		ep, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ep)
	}
	return out, rows.Err()
}

// eraseContact erases the bodies of the deliveries of a deleted contact's
// events as the deletion erased the events (event.Erased): the delivery
// log shows what was sent, not what the person wrote or was, and a
// delivery still to be sent goes erased. It runs when the consumer reads
// the contact.deleted, after every earlier event, so the deliveries it
// made of events read before the erasure (its window) are erased too.
func eraseContact(ctx context.Context, tx *db.Tx, workspaceID, contactID int64) error {
	return eraseDeliveries(ctx, tx, fmt.Sprintf("contact %d", contactID),
		`SELECT id, body FROM webhook_deliveries WHERE workspace_id = ?
		AND event_id IN (SELECT id FROM events WHERE workspace_id = ? AND contact_id = ?)`, workspaceID, workspaceID, contactID)
}

// eraseComment erases, as eraseContact does a contact's, the bodies of
// the deliveries of a deleted comment's events (comment.deleted is e).
func eraseComment(ctx context.Context, tx *db.Tx, e event.Event) error {
	var p struct {
		CommentID int64 `json:"comment_id"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	of, args := event.CommentEvents(tx.Dialect(), p.CommentID)
	return eraseDeliveries(ctx, tx, fmt.Sprintf("comment %d", p.CommentID),
		`SELECT id, body FROM webhook_deliveries WHERE workspace_id = ? AND conversation_id = ?
		AND event_id IN (SELECT id FROM events WHERE conversation_id = ? AND `+of+`)`,
		append([]any{e.WorkspaceID, e.ConversationID, e.ConversationID}, args...)...)
}

// eraseDeliveries rewrites the bodies of the deliveries query finds (their
// id and body) with their data erased (event.Erased).
func eraseDeliveries(ctx context.Context, tx *db.Tx, what, query string, args ...any) error {
	_, err := tx.RewriteColumn(ctx, "webhook_deliveries", "body", func(body string) (string, error) {
		var p Payload
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			return "", err
		}
		p.Data = event.Erased(p.Data)
		b, err := json.Marshal(p)
		return string(b), err
	}, query, args...)
	if err != nil {
		return fmt.Errorf("webhook: erase %s: %w", what, err)
	}
	return nil
}
