// Package due runs a node's timed work: every kind of work that falls due
// at a time (a snooze ending, a presence timing out, a workflow wait, an
// outbound retry, a token expiring, an idle conversation to auto-close)
// is a Kind registered with the node's one Runner.
//
// The work stays in its domain table, in the column that already says
// when it falls due (conversations.snoozed_until, workflow_runs.wake_at,
// outbound_jobs.next_attempt_at, ...): a Kind's pass claims what is due
// there, in batches, and says when the next falls due. The Runner is one
// loop that sleeps until the earliest of those times — no polling
// interval: idle means idle — and is woken early when a transaction
// records sooner work with db.Tx.Due(kind, at), on this node or, through
// PostgreSQL's NOTIFY, another one. Work that outlives its claim's
// transaction (a send, a workflow step) is leased with Claim, naming the
// node, so internal/node can take it back from a dead node.
package due

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// Kind is one kind of timed work.
type Kind struct {
	// Name names the work in db.Tx.Due and in the backlog metric.
	Name string
	// Pass does the work due now, in batches, and returns when more falls
	// due: the zero time when nothing is pending (the runner then sleeps
	// until told), a time at or before now when it stopped at a batch
	// limit with more to do. Passes of one kind never overlap; passes of
	// different kinds run side by side.
	Pass func(ctx context.Context) (next time.Time, err error)
	// Backlog counts the work overdue at now (Unix ms) and returns the due
	// time of the oldest, for switchboard_due_backlog; nil: not reported.
	Backlog func(ctx context.Context, now int64) (count, oldest int64, err error)
	// Retry is the first delay after a failed pass, doubled after each
	// further failure up to MaxRetry (defaults 1s and 30s: timed work is
	// workflow steps and sends customers wait for, so after a passing
	// store error it resumes within seconds, not minutes). News of work
	// of the kind (db.Tx.Due) does not cut a backoff short.
	Retry, MaxRetry time.Duration
}

// Options tune a Runner.
type Options struct {
	// Group runs the runner's loop (default: a group of its own on the
	// store's clock).
	Group *background.Group
	// Metrics, when set, receives the backlog gauges.
	Metrics *metrics.Metrics
	Logger  *slog.Logger // default slog.Default()
}

// Runner is a node's one loop of timed work.
type Runner struct {
	db   *db.DB
	g    *background.Group
	loop *background.Loop
	log  *slog.Logger

	mu    sync.Mutex
	kinds []*Handle
}

// New returns the runner of a node on store d.
func New(d *db.DB, opts Options) *Runner {
	if opts.Group == nil {
		opts.Group = background.NewGroup(d.Clock())
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Runner{db: d, g: opts.Group, loop: opts.Group.NewLoop("due work"), log: opts.Logger}
	if opts.Metrics != nil {
		opts.Metrics.Register(backlogCollector{r})
	}
	return r
}

// Handle is a kind registered with a runner.
type Handle struct {
	r    *Runner
	kind Kind

	// Under r.mu:
	next     int64 // Unix ms the kind falls due; 0: look at once; MaxInt64: never
	running  bool  // a pass is in flight
	told     int64 // earliest time heard of while the pass ran
	failures int   // consecutive failed passes
	retryAt  int64 // after a failed pass, its retry: no pass before (0: none)
}

// defaultMaxRetry bounds the backoff of a kind that sets no MaxRetry.
const defaultMaxRetry = 30 * time.Second

// Register adds a kind before the runner runs; its first pass runs as
// the runner starts. The kind hears of work recorded with db.Tx.Due(k.Name).
func (r *Runner) Register(k Kind) *Handle {
	if k.Retry <= 0 {
		k.Retry = time.Second
	}
	if k.MaxRetry < k.Retry {
		k.MaxRetry = max(defaultMaxRetry, k.Retry)
	}
	h := &Handle{r: r, kind: k, told: math.MaxInt64}
	r.mu.Lock()
	r.kinds = append(r.kinds, h)
	r.mu.Unlock()
	r.db.OnDue(k.Name, h.Schedule)
	return h
}

// Attach registers k with r or, when r is nil, with a runner of its own on
// d and g, for a part run on its own (tests, tools). It returns the run
// function of that runner, or, when r's owner runs r, one that only waits
// for its context to end (so a caller that restarts what returns does not
// spin).
func Attach(r *Runner, d *db.DB, g *background.Group, k Kind) (*Handle, func(context.Context)) {
	if r != nil {
		return r.Register(k), func(ctx context.Context) { <-ctx.Done() }
	}
	r = New(d, Options{Group: g})
	return r.Register(k), r.Run
}

// Schedule tells the kind that work falls due at the Unix millisecond at
// (0: now); the runner wakes unless it already plans to by then. A kind
// whose last pass failed waits for its retry all the same: news does not
// cut its backoff short, or a pass that keeps failing would run (and
// log) after every commit that makes work of its kind due.
func (h *Handle) Schedule(at int64) {
	r := h.r
	r.mu.Lock()
	at = max(at, h.retryAt)
	if h.running {
		h.told = min(h.told, at)
	} else {
		h.next = min(h.next, at)
	}
	r.mu.Unlock()
	r.loop.Schedule(at)
}

// Start marks the kind's runner awake before the goroutine that runs it is
// launched, so its group does not look idle meanwhile (see
// background.Loop.Start); it is idempotent.
func (h *Handle) Start() { h.r.loop.Start() }

// Go runs fn as work of the kind in flight beyond its pass (an outbound
// attempt): the node is not idle until it returns, and the kind looks
// again then, since its end may free a slot or a recipient's line.
// A panic in fn is logged; what fn held (a claim) is left to its lease.
func (h *Handle) Go(fn func()) {
	h.r.loop.Go(func() {
		defer h.Schedule(0)
		defer h.recover("work")
		fn()
	})
}

// recover logs a panic of the kind's code as an error, so that it ends
// what panicked and not the node: passes and the work beyond them run in
// goroutines of their own, out of reach of the supervisor that restarts
// a node's engines.
func (h *Handle) recover(what string) {
	if p := recover(); p != nil {
		h.r.log.Error("due work: "+what+" panicked", "kind", h.kind.Name, "panic", p, "stack", string(debug.Stack()))
	}
}

// Run runs the kinds' passes until ctx ends, sleeping until the earliest
// time one falls due, then waits for the passes in flight.
func (r *Runner) Run(ctx context.Context) {
	r.loop.Start()
	defer r.loop.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		now := db.Millis(r.g.Now())
		wake := int64(math.MaxInt64)
		r.mu.Lock()
		for _, h := range r.kinds {
			switch {
			case h.running:
			case h.next <= now:
				h.running, h.next = true, math.MaxInt64
				wg.Add(1)
				r.loop.Go(func() { defer wg.Done(); h.pass(ctx) })
			default:
				wake = min(wake, h.next)
			}
		}
		r.mu.Unlock()
		var at time.Time
		if wake != math.MaxInt64 {
			at = db.Time(wake)
		}
		r.loop.WaitUntil(ctx, at)
	}
}

// pass runs one pass of the kind and plans its next one: when the pass
// said, sooner if work was recorded meanwhile (the pass may have read
// before it committed), or after a backoff if it failed.
func (h *Handle) pass(ctx context.Context) {
	next, err := h.runPass(ctx)
	r := h.r
	r.mu.Lock()
	defer r.mu.Unlock()
	at := int64(math.MaxInt64)
	switch {
	case err != nil && ctx.Err() == nil:
		h.failures++
		delay := min(h.kind.Retry<<min(h.failures-1, 20), h.kind.MaxRetry)
		r.log.Error("due work: pass failed", "kind", h.kind.Name, "err", err, "retry_in", delay)
		at = db.Millis(r.g.Now().Add(delay))
		h.retryAt = at
	case err == nil:
		h.failures, h.retryAt = 0, 0
		if !next.IsZero() {
			at = db.Millis(next)
		}
	}
	h.next, h.told, h.running = max(min(at, h.told), h.retryAt), math.MaxInt64, false
}

// runPass runs the kind's pass; a panic is a failed pass.
func (h *Handle) runPass(ctx context.Context) (next time.Time, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.r.log.Error("due work: pass panicked", "kind", h.kind.Name, "panic", p, "stack", string(debug.Stack()))
			next, err = time.Time{}, fmt.Errorf("due work: the %s pass panicked: %v", h.kind.Name, p)
		}
	}()
	return h.kind.Pass(ctx)
}
