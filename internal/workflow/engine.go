package workflow

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// EngineOptions tune an Engine; zero values take the defaults.
type EngineOptions struct {
	Now     func() time.Time // the clock (default time.Now); tests move it forward
	Workers int              // runs advanced at once by this node (default 64)
	// Committer, when set, carries the engine's transactions, so steps of
	// concurrent runs (and the node's webhooks) share commits: one fsync
	// for many steps on SQLite.
	Committer *db.Committer
	// Lease is how long a claimed run belongs to this node; a node that
	// dies mid-step loses its runs to the others when it ends (default 30s).
	Lease  time.Duration
	Logger *slog.Logger
	// HTTPClient is the node's guarded client (netguard) the HTTP Request
	// step calls through (default: one that allows no private network).
	HTTPClient *http.Client
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
	kick     chan struct{}
	locs     sync.Map // workspace id -> cachedLocation

	closing   chan struct{} // closed by Close
	closeOnce sync.Once
	running   sync.WaitGroup
}

// NewEngine returns an engine. hub must be connected to d's commits (and,
// on PostgreSQL, to the other nodes' through event.Listen); assigner serves
// the Assign To step.
func NewEngine(svc *Service, hub *event.Hub, assigner Assigner, users *workspace.Service, opts EngineOptions) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers <= 0 {
		opts.Workers = 64
	}
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = netguard.New(netguard.Options{}).Client()
	}
	e := &Engine{db: svc.db, hub: hub, svc: svc, assigner: assigner, users: users, opts: opts, log: opts.Logger,
		kick: make(chan struct{}, 1), closing: make(chan struct{})}
	svc.kick = e.Kick
	return e
}

// tx runs fn in a transaction: the shared one of the committer when the
// engine has one. fn may run more than once (a batch retried), so it
// keeps no state across calls but what it returns.
func (e *Engine) tx(ctx context.Context, fn func(*db.Tx) error) error {
	return e.db.Write(ctx, e.opts.Committer, fn)
}

// Kick wakes the executor: new runs are due, or the clock moved.
func (e *Engine) Kick() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Run consumes the log and advances runs until ctx ends or Close.
func (e *Engine) Run(ctx context.Context) {
	e.running.Add(1)
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
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); e.consumeLoop(ctx) }()
	go func() { defer wg.Done(); e.timerLoop(ctx) }()
	wg.Wait()
}

// Close stops the engine and waits for the step in progress to commit or
// roll back. Runs it held are released, due again at once. An engine
// closed before it runs returns from Run at once.
func (e *Engine) Close() {
	e.closeOnce.Do(func() { close(e.closing) })
	e.running.Wait()
}

// consumeLoop reads the event log after the engine's cursor, woken by
// the hub; it never polls.
func (e *Engine) consumeLoop(ctx context.Context) {
	wake, unsubscribe := e.hub.Subscribe()
	defer unsubscribe()
	for ctx.Err() == nil {
		n, err := e.consume(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			e.log.Error("workflow: consume events", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		if n == consumeBatch {
			continue
		}
		select {
		case <-ctx.Done():
		case <-wake:
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

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
