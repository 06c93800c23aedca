// Package webhook is outgoing webhooks: a workspace's endpoints, each
// with the event types it wants and a secret, and the deliveries of the
// event log to them. A consumer of the log (the "webhooks" cursor) makes
// one delivery row per matching event and endpoint in the write that moves
// its cursor; the delivery loop, a kind of the node's timed work, claims
// due deliveries with a lease (SKIP LOCKED on PostgreSQL) and POSTs each
// event, signed with the endpoint's secret, through the guarded client.
//
// Delivery is at least once and in order per conversation: a delivery
// waits while an earlier one of the same conversation to the same
// endpoint is pending (sent or waiting for a retry), and retries back off
// exponentially with jitter for up to 24 hours. An endpoint that keeps
// failing for 24 hours, or that answers 410 Gone, is disabled, and the
// workspace's owners are told through the notification bell (a
// webhook.disabled event).
package webhook

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// DueKind names the delivery loop in db.Tx.Due and the backlog metric.
const DueKind = "webhook"

// ConsumerName keys the consumer's cursor in event_consumers.
const ConsumerName = "webhooks"

// TestEventType is the type of a test delivery's event (its id is 0).
const TestEventType = "webhook.test"

// The subscription names an endpoint may want. Each is an event type of
// the log, but for the two workflow ones, which are workflow.run.ended
// events with the status finished or failed.
const (
	WorkflowRunFinished = "workflow.run.finished"
	WorkflowRunFailed   = "workflow.run.failed"
)

// EventTypes lists the subscription names, in the order screens show them.
var EventTypes = []string{
	string(event.ConversationOpened), string(event.ConversationClosed), string(event.ConversationAssigned), string(event.ConversationRated),
	string(event.MessageReceived), string(event.MessageSent), string(event.MessageStatus),
	string(event.CommentCreated), string(event.CommentEdited), string(event.CommentDeleted),
	string(event.ContactCreated), string(event.ContactUpdated), string(event.ContactTagUpdated), string(event.ContactLifecycle),
	string(event.ContactIdentityAdded), string(event.ContactMerged), string(event.ContactDeleted),
	WorkflowRunFinished, WorkflowRunFailed,
}

// logTypes are the event types of the log the consumer reads.
var logTypes = []event.Type{
	event.ConversationOpened, event.ConversationClosed, event.ConversationAssigned, event.ConversationRated,
	event.MessageReceived, event.MessageSent, event.MessageStatus,
	event.CommentCreated, event.CommentEdited, event.CommentDeleted,
	event.ContactCreated, event.ContactUpdated, event.ContactTagUpdated, event.ContactLifecycle,
	event.ContactIdentityAdded, event.ContactMerged, event.ContactDeleted,
	event.WorkflowRunEnded,
}

// subscription returns the subscription name an event answers to ("" for
// none: a workflow run that ended stopped, say).
func subscription(e event.Event) string {
	if e.Type != event.WorkflowRunEnded {
		return string(e.Type)
	}
	var p struct {
		Status string `json:"status"`
	}
	json.Unmarshal(e.Payload, &p)
	switch p.Status {
	case "finished":
		return WorkflowRunFinished
	case "failed":
		return WorkflowRunFailed
	}
	return ""
}

// Endpoint is a URL that receives a workspace's events.
type Endpoint struct {
	ID             int64     `json:"id"`
	URL            string    `json:"url"`
	Description    string    `json:"description"`
	EventTypes     []string  `json:"event_types"`
	Enabled        bool      `json:"enabled"`
	DisabledReason string    `json:"disabled_reason,omitempty"` // why it was disabled, when the server did it
	FailingSince   time.Time `json:"failing_since,omitzero"`    // first failed attempt since the last success
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// Secret is given only when it is made: on create and rotate.
	Secret string `json:"secret,omitempty"`
}

// wants reports whether the endpoint subscribed to name.
func (e Endpoint) wants(name string) bool { return slices.Contains(e.EventTypes, name) }

// Options configure a Service; zero values take the defaults.
type Options struct {
	// Guard vets URLs at save and makes every call (default: a guard that
	// allows nothing private).
	Guard *netguard.Guard
	// Keys seals the endpoints' secrets at rest (nil: stored as they are).
	Keys *secret.Keyring
	// Timeout bounds one delivery attempt, connection to answer (default 10s).
	Timeout time.Duration
	// BaseDelay is the first retry delay, doubled per failed attempt up to
	// MaxDelay, with jitter (defaults 10s and 1h).
	BaseDelay, MaxDelay time.Duration
	// GiveUpAfter is how long a delivery is retried, and how long an
	// endpoint may fail before it is disabled (default 24h).
	GiveUpAfter time.Duration
}

func (o *Options) defaults() {
	if o.Guard == nil {
		o.Guard = netguard.New(netguard.Options{})
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = 10 * time.Second
	}
	if o.MaxDelay < o.BaseDelay {
		o.MaxDelay = max(time.Hour, o.BaseDelay)
	}
	if o.GiveUpAfter <= 0 {
		o.GiveUpAfter = 24 * time.Hour
	}
}

// Service manages a store's endpoints and their deliveries.
type Service struct {
	db   *db.DB
	opts Options
	// client is the guard's client that follows no redirect: a 301, 302
	// or 303 followed turns the POST into a GET without the body, whose
	// 2xx would count as the event delivered; an endpoint that moved
	// answers a non-2xx, retried and shown in the delivery log, and the
	// signed event goes nowhere it was not sent.
	client *http.Client
}

// New returns the service on d.
func New(d *db.DB, opts Options) *Service {
	opts.defaults()
	client := *opts.Guard.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Service{db: d, opts: opts, client: &client}
}

// now is the store's clock.
func (s *Service) now() time.Time { return s.db.Clock().Now() }
