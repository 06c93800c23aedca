// Package broadcast sends one message to many contacts: those a filter of
// the contacts list keeps who can be reached on one channel, now or at a
// chosen time (respond.io's Broadcasts module). Each recipient's message
// is an ordinary outbound message in no conversation
// (conversation.SendToContactTx): the outbound dispatcher delivers it
// with its retries, its status moves with the provider's receipts, and a
// contact who answers opens a conversation as any message of theirs
// does. The broadcast's numbers (delivered, read, replied…) are read from
// those messages, so they stay true as receipts arrive.
package broadcast

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// A broadcast's status.
const (
	StatusDraft     = "draft"     // being written; nothing sent
	StatusScheduled = "scheduled" // will start at ScheduledAt
	StatusSending   = "sending"   // its recipients are being written
	StatusSent      = "sent"      // every recipient's message is queued (or skipped)
	StatusCancelled = "cancelled" // stopped while sending: what was queued still goes
)

// MaxNameLen bounds a broadcast's name (characters).
const MaxNameLen = 200

// DueKind names the broadcasts' timed work (db.Tx.Due).
const DueKind = "broadcast"

// Audience is who a broadcast goes to: the contacts list's filters
// (contact.ListFilter), ANDed. The channel is the broadcast's; blocked
// contacts and the Workflow Builder's test contacts are always left out.
type Audience struct {
	Search            string    `json:"q,omitempty"`
	Tag               string    `json:"tag,omitempty"`
	Stage             string    `json:"stage,omitempty"`
	Field             string    `json:"field,omitempty"` // key=value
	LastMessageAfter  time.Time `json:"last_message_after,omitzero"`
	LastMessageBefore time.Time `json:"last_message_before,omitzero"`
}

// filter is the contacts list's filter of the audience on channelID.
func (a Audience) filter(channelID int64) contact.ListFilter {
	return contact.ListFilter{Search: a.Search, Tag: a.Tag, Stage: a.Stage, Field: a.Field, ChannelID: channelID,
		LastMessageAfter: a.LastMessageAfter, LastMessageBefore: a.LastMessageBefore, Blocked: "exclude"}
}

// Message is what each recipient receives: a text, whose {{contact.…}}
// variables are filled for each (as a workflow's are), or a template of
// the channel's, with its parameters in Content (as the composer sends
// one).
type Message struct {
	Type    string          `json:"type"` // text or template
	Text    string          `json:"text,omitempty"`
	Content json.RawMessage `json:"content,omitempty"`
}

// Stats count a broadcast's recipients. Each message counts once, in its
// status now (a read message is not also counted delivered); Replied
// counts the recipients who wrote after it.
type Stats struct {
	Recipients int `json:"recipients"`
	Pending    int `json:"pending"`
	Sent       int `json:"sent"`
	Delivered  int `json:"delivered"`
	Read       int `json:"read"`
	Failed     int `json:"failed"`
	Skipped    int `json:"skipped"`
	Replied    int `json:"replied"`
}

// Broadcast is one broadcast with its numbers.
type Broadcast struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	Name        string    `json:"name"`
	ChannelID   int64     `json:"channel_id"`
	Audience    Audience  `json:"audience"`
	Message     Message   `json:"message"`
	Status      string    `json:"status"`
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
	CreatedBy   int64     `json:"created_by"` // a user id; 0 for a workspace token
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Stats       Stats     `json:"stats"`
}

// Render fills a text's variables for a contact (workflow.Engine.RenderTx,
// with no conversation), through the sending transaction.
type Render func(ctx context.Context, q db.Querier, workspaceID, contactID, conversationID int64, text string) string

// Options configure a Service.
type Options struct {
	// Windows and Templates are the channels' (channel.Service): a text
	// goes only to contacts inside the channel's window, a template only
	// as the channel last synced it.
	Windows   conversation.Windows
	Templates conversation.Templates
	// Node, Due and Group run the sending (Run): the node's id names its
	// claims, Due its runner of timed work (nil: one of its own).
	Node   int64
	Due    *due.Runner
	Group  *background.Group
	Logger *slog.Logger
}

// Service keeps and sends a workspace's broadcasts.
type Service struct {
	db     *db.DB
	opts   Options
	render Render // nil: texts are sent as written
	work   *due.Handle
	runOwn func(context.Context)
}

// New returns the broadcasts' service, its sending registered with
// opts.Due (Run starts it).
func New(d *db.DB, opts Options) *Service {
	if opts.Group == nil {
		opts.Group = background.NewGroup(d.Clock())
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{db: d, opts: opts}
	s.work, s.runOwn = due.Attach(opts.Due, d, opts.Group, due.Kind{Name: DueKind, Pass: s.pass, Retry: time.Second, MaxRetry: 30 * time.Second,
		Backlog: due.Overdue(d, `SELECT COUNT(*), COALESCE(MIN(due_at), 0) FROM broadcasts WHERE due_at > 0 AND due_at <= ? AND lease_until <= ?`)})
	return s
}

// SetRender makes texts' variables filled for each recipient.
func (s *Service) SetRender(r Render) { s.render = r }

// Run sends broadcasts as they fall due until ctx ends (with a runner of
// its own when Options.Due was nil; else the node's runner does).
func (s *Service) Run(ctx context.Context) {
	s.work.Start()
	s.runOwn(ctx)
}
