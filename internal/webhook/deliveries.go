package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// States of a delivery.
const (
	StatePending   = "pending"   // waiting to be sent, being sent, or waiting for a retry
	StateDelivered = "delivered" // the endpoint answered 2xx
	StateFailed    = "failed"    // given up: 410 Gone, or 24 hours of failures
)

// Delivery is one event sent (or to be sent) to one endpoint: a line of
// the endpoint's delivery log.
type Delivery struct {
	ID             int64  `json:"id"`
	EndpointID     int64  `json:"endpoint_id"`
	EventID        int64  `json:"event_id"` // 0 for a test delivery
	EventType      string `json:"event_type"`
	ConversationID int64  `json:"conversation_id,omitempty"`
	State          string `json:"state"`
	Attempts       int    `json:"attempts"`
	// StatusCode is the HTTP status of the last attempt (absent when it
	// got no answer).
	StatusCode      int             `json:"status_code,omitempty"`
	Error           string          `json:"error,omitempty"`            // why the last attempt failed
	ResponseExcerpt string          `json:"response_excerpt,omitempty"` // the first 1,024 bytes of the last answer
	DurationMS      int64           `json:"duration_ms"`                // of the last attempt
	LastAttemptAt   time.Time       `json:"last_attempt_at,omitzero"`
	NextAttemptAt   time.Time       `json:"next_attempt_at,omitzero"` // when pending: the next attempt
	CreatedAt       time.Time       `json:"created_at"`
	Payload         json.RawMessage `json:"payload"` // the body sent
}

const deliveryColumns = `id, endpoint_id, event_id, event_type, conversation_id, state, attempts, last_status, last_error,
	response_excerpt, duration_ms, last_attempt_at, next_attempt_at, created_at, body`

func scanDelivery(rows interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var last, next, created int64
	var body string
	err := rows.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.ConversationID, &d.State, &d.Attempts, &d.StatusCode, &d.Error,
		&d.ResponseExcerpt, &d.DurationMS, &last, &next, &created, &body)
	if last != 0 {
		d.LastAttemptAt = db.Time(last)
	}
	if d.State == StatePending {
		d.NextAttemptAt = db.Time(next)
	}
	d.CreatedAt, d.Payload = db.Time(created), json.RawMessage(body)
	return d, err
}

// DeliveryFilter narrows an endpoint's delivery log.
type DeliveryFilter struct {
	State string // one of the states, or "" for all
}

// Deliveries returns a page of an endpoint's delivery log, newest first.
func (s *Service) Deliveries(ctx context.Context, workspaceID, endpointID int64, f DeliveryFilter, req page.Request) (page.Page[Delivery], error) {
	if _, err := s.Get(ctx, workspaceID, endpointID); err != nil {
		return page.Page[Delivery]{}, err
	}
	after, args := req.ByID("id", true)
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE endpoint_id = ? AND workspace_id = ? AND ` + after
	all := append([]any{endpointID, workspaceID}, args...)
	switch f.State {
	case "":
	case StatePending, StateDelivered, StateFailed:
		q += ` AND state = ?`
		all = append(all, f.State)
	default:
		return page.Page[Delivery]{}, apperr.BadRequest("state must be pending, delivered or failed")
	}
	rows, err := s.db.Reader().Query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(all, req.Fetch())...)
	if err != nil {
		return page.Page[Delivery]{}, fmt.Errorf("webhook: deliveries: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Delivery, error) { return scanDelivery(rows) })
	if err != nil {
		return page.Page[Delivery]{}, fmt.Errorf("webhook: deliveries: %w", err)
	}
	return page.CutByID(list, req.Limit, func(d Delivery) int64 { return d.ID }), nil
}

// GetDelivery returns one delivery of an endpoint.
func (s *Service) GetDelivery(ctx context.Context, workspaceID, endpointID, id int64) (Delivery, error) {
	d, err := scanDelivery(s.db.Reader().QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE id = ? AND endpoint_id = ? AND workspace_id = ?`, id, endpointID, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.NotFound("webhook delivery")
	}
	if err != nil {
		return d, fmt.Errorf("webhook: get delivery: %w", err)
	}
	return d, nil
}

// Resend sends a delivery again, with the same body and event id: it is
// pending again, due now, and retried for another 24 hours, its attempts
// counted afresh — the backoff starts again at BaseDelay, where the old
// count (a day of failures) would have put its first retry at MaxDelay.
// The last attempt's status and answer stay until the next attempt; no
// other history of attempts is kept. A delivery being sent is a
// conflict. On a disabled endpoint it waits until the endpoint is turned
// back on.
func (s *Service) Resend(ctx context.Context, workspaceID, endpointID, id int64) (Delivery, error) {
	var out Delivery
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		var lease int64
		var state string
		err := tx.QueryRow(ctx, `SELECT state, lease_until FROM webhook_deliveries WHERE id = ? AND endpoint_id = ? AND workspace_id = ?`,
			id, endpointID, workspaceID).Scan(&state, &lease)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("webhook delivery")
		}
		if err != nil {
			return err
		}
		if state == StatePending && lease > now {
			return apperr.Conflict("the delivery is being sent right now")
		}
		tx.Due(DueKind, 0)
		if _, err = tx.Exec(ctx, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, give_up_at = ?, lease_until = 0
			WHERE id = ?`,
			now, now+s.opts.GiveUpAfter.Milliseconds(), id); err != nil {
			return err
		}
		// Read back in the transaction: the dispatcher, woken by the
		// commit, may have sent it again before a read after it.
		out, err = scanDelivery(tx.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return Delivery{}, err
	}
	return out, nil
}

// Test sends a test event (type webhook.test, id 0) to the endpoint now,
// whether it is enabled or not, and records it in its delivery log; the
// answer says what happened. It does not change the endpoint's health.
//
// Its line is written before the POST, so that the POST carries its id
// in X-Switchboard-Delivery-Id as every delivery does: pending and leased
// for as long as the dispatcher leases a delivery, so no dispatcher sends
// it meanwhile and a resend is refused as for any delivery being sent.
// A node that stops before recording the answer leaves it to the
// dispatchers once the lease ends, as a delivery of its own.
func (s *Service) Test(ctx context.Context, workspaceID, endpointID int64) (Delivery, error) {
	if _, err := s.Get(ctx, workspaceID, endpointID); err != nil {
		return Delivery{}, err
	}
	t, err := s.target(ctx, endpointID)
	if err != nil {
		return Delivery{}, fmt.Errorf("webhook: test: %w", err)
	}
	b, err := json.Marshal(Payload{ID: 0, Type: TestEventType, WorkspaceID: workspaceID, CreatedAt: s.now().UTC().Truncate(time.Millisecond),
		Data: json.RawMessage(`{"message":"A test delivery from Switchboard"}`)})
	if err != nil {
		return Delivery{}, err
	}
	var id, lease int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		lease = now + 2*s.opts.Timeout.Milliseconds()
		return tx.QueryRow(ctx, `INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, conversation_id, body, state,
			attempts, next_attempt_at, give_up_at, lease_until, created_at)
			VALUES (?, ?, 0, ?, 0, ?, 'pending', 0, ?, ?, ?, ?) RETURNING id`,
			workspaceID, endpointID, TestEventType, string(b), now, now, lease, now).Scan(&id)
	})
	if err != nil {
		return Delivery{}, err
	}
	o := s.send(ctx, t, id, 0, TestEventType, b)
	state := StateDelivered
	if !o.ok() {
		state = StateFailed
	}
	// Recorded even when the caller has gone: the POST was made.
	wctx := context.WithoutCancel(ctx)
	err = s.db.Write(wctx, func(tx *db.Tx) error {
		now := tx.Now()
		_, err := tx.Exec(wctx, `UPDATE webhook_deliveries SET state = ?, attempts = 1, lease_until = 0, last_status = ?, last_error = ?,
			response_excerpt = ?, duration_ms = ?, last_attempt_at = ? WHERE id = ? AND state = 'pending' AND lease_until = ?`,
			state, o.status, limit.Storable(o.err, maxError), o.excerpt, o.duration.Milliseconds(), now, id, lease)
		return err
	})
	if err != nil {
		return Delivery{}, err
	}
	return s.GetDelivery(wctx, workspaceID, endpointID, id)
}
