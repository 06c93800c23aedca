// Package report projects the event log into per-conversation facts (and
// per-day rows for messages, contacts and workflow runs) and answers the
// reports over them. The projection is a consumer of the log from its
// first event, so every figure can be rebuilt from the log alone
// (Rebuild, `switchboard reports rebuild`).
package report

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// ConsumerName keys the projection's cursor in event_consumers.
const ConsumerName = "reports"

// Options configure a Service.
type Options struct {
	Logger *slog.Logger
	// Live answers every report by scanning the fact tables, never the
	// per-day segments: the reference the segments are tested against.
	Live bool
}

// Service projects the log and answers reports.
type Service struct {
	db   *db.DB
	opts Options
}

// New returns a Service on d.
func New(d *db.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Service{db: d, opts: opts}
}

// Types are the event types the projection reads.
var Types = []event.Type{
	event.ConversationOpened, event.ConversationClosed, event.ConversationAssigned, event.ConversationUnassigned,
	event.ConversationQueued, event.MessageReceived, event.MessageSent, event.ContactCreated, event.ContactLifecycle,
	event.WorkflowRunStarted, event.WorkflowStep, event.WorkflowRunEnded, event.ContactMerged,
}

// NewConsumer returns the projection's consumer of the log, from its first
// event, run in g and woken by hub.
func (s *Service) NewConsumer(hub *event.Hub, g *background.Group) *event.Consumer {
	return event.NewConsumer(s.db, hub, g, event.ConsumerConfig{
		Name: ConsumerName, Types: Types, FromStart: true, Batch: 512, Logger: s.opts.Logger,
		// The projection writes only its own tables, keyed by what the
		// events name, and its cursor orders it with itself: it needs no
		// exclusive write, and taking one per batch would stop every
		// webhook on PostgreSQL while it commits.
		Concurrent: true,
		Handle:     s.Project,
		// Off the hot path: after the batch committed, a bounded pass
		// rewrites the segments of days that stopped changing.
		AfterBatch: func(ctx context.Context) error {
			_, err := s.Compact(ctx, CompactDaysPerPass, CompactQuiet)
			return err
		},
	})
}

// tables are the projection's tables, emptied by Rebuild.
var tables = []string{"report_conversations", "report_responses", "report_message_days", "report_contacts",
	"report_lifecycle", "report_workflow_runs", "report_workflow_steps", "report_segments", "report_dirty_days"}

// Reset empties the projection and moves its cursor back to the log's
// start, in one transaction: the next node to start replays the whole
// log. A consumer running meanwhile would not (its position only moves
// forward), hence Rebuild, which does it and replays at once, runs with
// the nodes stopped.
func (s *Service) Reset(ctx context.Context) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		for _, t := range tables {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("report: reset %s: %w", t, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM event_consumers WHERE name = ?`, ConsumerName); err != nil {
			return fmt.Errorf("report: reset cursor: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO event_consumers (name, last_id, updated_at) VALUES (?, 0, ?)`, ConsumerName, tx.Now())
		return err
	})
}

// Rebuild empties the projection and replays the whole log into it,
// moving the consumer's cursor with each batch (so a node started later
// carries on from where it ended), then writes every day's segments. It
// returns how many events it read.
// Run it with no node running the consumer.
func (s *Service) Rebuild(ctx context.Context) (int, error) {
	if err := s.Reset(ctx); err != nil {
		return 0, err
	}
	var after int64
	total := 0
	for {
		var events []event.Event
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			var err error
			events, err = event.ListAll(ctx, tx, after, 2000)
			if err != nil || len(events) == 0 {
				return err
			}
			if err := s.Project(ctx, tx, events); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE event_consumers SET last_id = ?, updated_at = ? WHERE name = ?`,
				events[len(events)-1].ID, tx.Now(), ConsumerName)
			return err
		})
		if err != nil {
			return total, err
		}
		if len(events) == 0 {
			_, err := s.CompactAll(ctx)
			return total, err
		}
		total += len(events)
		after = events[len(events)-1].ID
	}
}
