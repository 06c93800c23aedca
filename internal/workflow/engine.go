package workflow

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// EngineOptions tune an Engine; zero values take the defaults.
type EngineOptions struct {
	Workers int // runs advanced at once by this node (default 64)
	// Lease is how long a claimed run belongs to this node; a node that
	// dies mid-step loses its runs to the others when it ends (default 30s).
	Lease time.Duration
	// Node is this node's id (node.Node), which its claims carry so they
	// can be taken back as soon as it is known dead, not when they end.
	Node int64
	// Group runs the engine's loops, on the store's clock (default: a
	// group of their own).
	Group *background.Group
	// Due, when set, is the node's runner of timed work, which then
	// advances due runs (default: a runner of the engine's own, run by Run).
	Due    *due.Runner
	Logger *slog.Logger
	// HTTPClient is the node's guarded client (netguard) the HTTP Request
	// step calls through (default: one that allows no private network).
	HTTPClient *http.Client
	// Classifier serves the Classify step (nil: the step takes none).
	Classifier Classifier
	// Windows, when set, makes the steps that send respect the channels'
	// customer-service windows (a send refused outside takes the step's
	// failure exit with the reason).
	Windows conversation.Windows
	// Addressers, when set, let the Open Conversation step open on a
	// channel the contact never wrote on when the channel reaches
	// contacts by phone or email (the node's channel service, as the
	// API's opens have it): the identity is made from the contact's.
	Addressers conversation.Addressers
}

// Engine runs workflows: it consumes the event log (starting runs and
// resuming waiting ones) and advances due runs. Several engines, on one
// node or several sharing PostgreSQL, may run at once.
type Engine struct {
	db       *db.DB
	hub      *event.Hub
	svc      *Service
	assigner Assigner
	users    *workspace.Service
	opts     EngineOptions
	log      *slog.Logger
	consumer *event.Consumer // consumes the event log
	timer    *due.Handle     // advances due runs and fires schedules
	runTimer func(context.Context)
	locs     sync.Map // workspace id -> cachedLocation
	metrics  *engineMetrics
	// unstaged holds the stageKeys of runs whose staged chain failed in a
	// try of the consumer's batch: the next try leaves them to the timer
	// (see stage).
	unstaged sync.Map

	closing   chan struct{} // closed by Close
	closeOnce sync.Once
	// runMu orders Run's Add with Close: a WaitGroup must not be added to
	// while Wait may be running with a zero count, which is what an engine
	// closed before its Run began would otherwise do.
	runMu   sync.Mutex
	running sync.WaitGroup
}

// NewEngine returns an engine. hub must be connected to d's commits (and,
// on PostgreSQL, to the other nodes' through event.Listen); assigner serves
// the Assign To step.
func NewEngine(svc *Service, hub *event.Hub, assigner Assigner, users *workspace.Service, opts EngineOptions) *Engine {
	if opts.Workers <= 0 {
		opts.Workers = 64
	}
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Group == nil {
		opts.Group = background.NewGroup(svc.db.Clock())
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = netguard.New(netguard.Options{}).Client()
	}
	e := &Engine{db: svc.db, hub: hub, svc: svc, assigner: assigner, users: users, opts: opts, log: opts.Logger,
		closing: make(chan struct{}), metrics: newEngineMetrics(svc.db)}
	e.consumer = e.newConsumer()
	e.timer, e.runTimer = due.Attach(opts.Due, svc.db, opts.Group, due.Kind{Name: DueKind, Pass: e.timerPass,
		Backlog: due.Overdue(svc.db, runsBacklog)})
	return e
}

// DueKind names the engine's timed work for db.Tx.Due: runs due to
// advance, and schedule triggers.
const DueKind = "workflow"

// now is the store's clock.
func (e *Engine) now() time.Time { return e.db.Clock().Now() }

// tx runs fn through the store's write door, sharing commits with the
// node's other writes. fn may run more than once (a batch retried), so it
// keeps no state across calls but what it returns.
func (e *Engine) tx(ctx context.Context, fn func(*db.Tx) error) error {
	return e.db.Write(ctx, fn)
}

// txRun is tx for a write that changes runs only through loadRun, which
// locks the run's row, and due.Claim, which skips rows locked by others:
// on PostgreSQL it runs concurrently with other such writes, on this node
// and others (db.DB.WriteConcurrent); on SQLite it is tx.
func (e *Engine) txRun(ctx context.Context, fn func(*db.Tx) error) error {
	return e.db.WriteConcurrent(ctx, fn)
}

// Run consumes the log and advances runs until ctx ends or Close.
func (e *Engine) Run(ctx context.Context) {
	e.runMu.Lock()
	select {
	case <-e.closing:
		e.runMu.Unlock()
		return
	default:
	}
	e.running.Add(1)
	e.runMu.Unlock()
	defer e.running.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-e.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	e.consumer.Start() // before their goroutines run, so the node is not idle meanwhile
	e.timer.Start()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); e.consumer.Run(ctx) }()
	go func() { defer wg.Done(); e.runTimer(ctx) }()
	wg.Wait()
}

// Close stops the engine and waits for the step in progress to commit or
// roll back. Runs it held are released, due again at once. An engine
// closed before it runs returns from Run at once.
func (e *Engine) Close() {
	e.runMu.Lock()
	e.closeOnce.Do(func() { close(e.closing) })
	e.runMu.Unlock()
	e.running.Wait()
}

// Consumer is the engine's consumer of the event log.
func (e *Engine) Consumer() *event.Consumer { return e.consumer }

type cachedLocation struct {
	loc *time.Location
	at  time.Time
}

// location is the workspace's time zone, cached for a minute.
func (e *Engine) location(ctx context.Context, workspaceID int64) *time.Location {
	if v, ok := e.locs.Load(workspaceID); ok && time.Since(v.(cachedLocation).at) < time.Minute {
		return v.(cachedLocation).loc
	}
	loc := time.UTC
	if e.users != nil {
		if w, err := e.users.Get(ctx, workspaceID); err == nil {
			if l, err := time.LoadLocation(w.Timezone); err == nil {
				loc = l
			}
		}
	}
	e.locs.Store(workspaceID, cachedLocation{loc, time.Now()})
	return loc
}
