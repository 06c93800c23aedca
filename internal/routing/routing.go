// Package routing decides who handles a conversation: presence (online,
// busy, offline from device heartbeats), capacity (open conversations per
// agent), the assignment strategies, the team queues that drain the moment
// an agent frees up, and reassignment when an agent goes offline.
//
// Every assignment is a claim: the pick and the write happen in one
// transaction whose conditional UPDATE of the chosen agent's row succeeds
// only below capacity (routing_agents.open_count, kept by triggers), so no
// agent is ever above capacity, whatever the concurrency and however many
// nodes.
package routing

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Options configure a Service.
type Options struct {
	// Hub wakes the queue drainer after commits that appended events.
	Hub *event.Hub
	// Group runs the drainer and the presence timer, on the store's clock
	// (default: a group of their own).
	Group *background.Group
	// Due, when set, is the node's runner of timed work, which then runs
	// the presence timer (default: a runner of the service's own, run by
	// Start).
	Due *due.Runner
	// Assigned, when set, is called after the commit of every assignment
	// routing makes, on the store's writer: it must neither block nor
	// write. The routing bench times refills by it.
	Assigned func(conversationID, userID int64)
}

// Service routes conversations to agents.
type Service struct {
	db  *db.DB
	hub *event.Hub

	drainer    *event.Consumer           // drains queues as the event log moves
	runTimer   func(ctx context.Context) // the presence timer's own runner, if it has one (see Options.Due)
	violations atomic.Int64              // capacity assertions that failed in a claim (always 0)
	redrain    redrain                   // drainer: queues left with more to place, drained after the batch
	metrics    *routingMetrics
	assigned   func(conversationID, userID int64) // Options.Assigned

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Service on d.
func New(d *db.DB, opts Options) *Service {
	if opts.Group == nil {
		opts.Group = background.NewGroup(d.Clock())
	}
	s := &Service{db: d, hub: opts.Hub, metrics: newRoutingMetrics(d), assigned: opts.Assigned}
	s.drainer = s.newDrainer(opts.Group)
	_, s.runTimer = due.Attach(opts.Due, d, opts.Group, due.Kind{Name: duePresence, Pass: s.tick, Retry: 5 * time.Second,
		Backlog: due.Overdue(d, presenceBacklog)})
	return s
}

// duePresence names the presence timer's work for db.Tx.Due.
const duePresence = "presence"

// Violations returns how many claims found their agent above capacity
// after writing and rolled back. It exists so tests can prove it stays 0.
func (s *Service) Violations() int64 { return s.violations.Load() }

// Run runs the routing engines until ctx ends or Close is called: the
// queue drainer (consuming the event log from a persisted cursor) and the
// presence timer (inactivity expiry and reassignment after the grace
// period).
func (s *Service) Run(ctx context.Context) { <-s.Start(ctx) }

// Start runs the engines in the background and returns a channel closed
// when they have stopped (ctx ended or Close). Starting twice is a no-op.
func (s *Service) Start(ctx context.Context) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		return s.done
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.cancel, s.done = cancel, done
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); guard(ctx, "drainer", s.runDrainer) }()
		go func() { defer wg.Done(); guard(ctx, "presence timer", s.runTimer) }()
		wg.Wait()
		s.mu.Lock()
		if s.done == done {
			s.cancel, s.done = nil, nil // ended with ctx: Start may run again
		}
		s.mu.Unlock()
		cancel()
	}()
	return done
}

// guard runs an engine loop until ctx ends, restarting it after a panic:
// the loops run in goroutines of their own, out of reach of the app's
// supervisor.
func guard(ctx context.Context, name string, run func(context.Context)) {
	for ctx.Err() == nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					slog.Error("routing: engine panicked; restarting", "engine", name, "panic", p, "stack", string(debug.Stack()))
				}
			}()
			run(ctx)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// Close stops the engines and waits for them.
func (s *Service) Close() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// write runs fn in a write transaction, never cut short by the caller's
// cancellation: a claim is finished or not started.
func (s *Service) write(ctx context.Context, fn func(*db.Tx) error) error {
	return s.db.Write(context.WithoutCancel(ctx), fn)
}

// writeConcurrent is write for placing conversations (Assign, queue
// drains) and for presence: their invariants are held by row locks they
// take themselves — the conversation's row (lockConversation), the
// queue's lock (lockQueue) and the agent's row, which a claim's
// conditional UPDATE checks again and a presence change holds while it
// writes (see announce) — so on PostgreSQL they run beside other such
// writes, on this node and others, instead of taking the store's write
// lock exclusively. Capacity, settings and reassignment stay on write: a
// claim relies on them not changing while it decides.
func (s *Service) writeConcurrent(ctx context.Context, fn func(*db.Tx) error) error {
	return s.db.WriteConcurrent(context.WithoutCancel(ctx), fn)
}

func (s *Service) now() time.Time { return s.db.Clock().Now() }

func (s *Service) nowMs() int64 { return s.now().UnixMilli() }

// wrap prefixes internal errors, leaving domain errors untouched.
func wrap(op string, err error) error {
	if err == nil || apperr.KindOf(err) != "" {
		return err
	}
	return fmt.Errorf("routing: %s: %w", op, err)
}

func logErr(msg string, err error) {
	if err != nil {
		slog.Error("routing: "+msg, "err", err)
	}
}
