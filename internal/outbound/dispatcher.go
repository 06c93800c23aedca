package outbound

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	BaseDelay   time.Duration // first retry delay; doubles per attempt (default 1s)
	MaxDelay    time.Duration // cap of the retry delay (default 5m)
	MaxAttempts int           // attempts before a message is failed (default 10)
	// Lease is how long a claimed job belongs to this node. A node that
	// crashes mid-send loses its jobs to the others when their leases end.
	// Each attempt is bounded to three quarters of it (default 60s).
	Lease       time.Duration
	Concurrency int // jobs sent at once by this node (default 8)
	// Committer, when set, carries the dispatcher's writes (claims and
	// outcomes), so they share commits with the node's other writes: on
	// SQLite one fsync records many sends instead of one each.
	Committer *db.Committer
	Now       func() time.Time // the clock (default time.Now)
	Logger    *slog.Logger     // default slog.Default()
}

func (o *Options) defaults() {
	if o.BaseDelay <= 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 5 * time.Minute
	}
	if o.MaxDelay < o.BaseDelay {
		o.MaxDelay = o.BaseDelay
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Lease <= 0 {
		o.Lease = 60 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Dispatcher delivers the outbound queue. Several dispatchers, in one
// process or on several nodes sharing a PostgreSQL store, may run at once:
// a job is claimed by exactly one of them at a time.
type Dispatcher struct {
	db      *db.DB
	hub     *event.Hub
	senders map[string]Sender
	m       *metrics.Metrics
	opts    Options
	log     *slog.Logger
	counted time.Time // when observeQueue last counted (run loop only)
}

// New returns a Dispatcher delivering through senders, keyed by channel
// type (e.g. channel.TypeCustom). hub wakes it when a send is committed,
// so it must be the hub connected to d (d.OnEvents(hub.Notify)) and, on
// PostgreSQL, to other nodes (event.Listen); a nil hub is replaced by one
// connected to d.
func New(d *db.DB, hub *event.Hub, senders map[string]Sender, m *metrics.Metrics, opts Options) *Dispatcher {
	opts.defaults()
	if hub == nil {
		hub = event.NewHub()
		d.OnEvents(hub.Notify)
	}
	if m == nil {
		m = metrics.New()
	}
	copied := make(map[string]Sender, len(senders))
	for typ, s := range senders {
		copied[typ] = s
	}
	return &Dispatcher{db: d, hub: hub, senders: copied, m: m, opts: opts, log: opts.Logger.With("component", "outbound")}
}

// Run delivers jobs until ctx ends, then waits for the attempts in flight
// to be recorded. It wakes when events commit (conversation.Send appends
// message.sent), when an attempt of its own ends, and at the next due time
// of the queue — a retry, or a lease that a crashed node left behind —
// never on a fixed polling interval. A panic is logged and the loop
// restarted.
func (d *Dispatcher) Run(ctx context.Context) {
	wake, unsubscribe := d.hub.Subscribe()
	defer unsubscribe()
	for ctx.Err() == nil {
		if !d.runLoop(ctx, wake) {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

// runLoop is the body of Run; it reports false after recovering a panic.
func (d *Dispatcher) runLoop(ctx context.Context, wake <-chan struct{}) (ok bool) {
	done := make(chan struct{}, d.opts.Concurrency)
	var wg sync.WaitGroup
	// Deferred first so it runs last: a panic of the loop still waits for
	// its workers, which never block (done has room for all of them).
	defer wg.Wait()
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("dispatcher panicked; restarting", "panic", p, "stack", string(debug.Stack()))
			ok = false
		}
	}()
	inflight := 0
	var errDelay time.Duration
	for {
		claimed, wait, err := d.step(ctx, d.opts.Concurrency-inflight)
		for _, j := range claimed {
			inflight++
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { done <- struct{}{} }()
				d.process(ctx, j)
			}()
		}
		if err != nil {
			if ctx.Err() != nil {
				return true
			}
			errDelay = min(max(2*errDelay, 100*time.Millisecond), 10*time.Second)
			d.log.Error("outbound queue", "err", err, "retry_in", errDelay)
			wait = errDelay
		} else {
			errDelay = 0
		}
		var timer *time.Timer
		var fire <-chan time.Time
		if wait >= 0 {
			timer = time.NewTimer(wait)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-fire:
		case <-done:
			inflight--
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return true
		}
		// Collect every other attempt that ended meanwhile.
		for drained := false; !drained; {
			select {
			case <-done:
				inflight--
			default:
				drained = true
			}
		}
	}
}

// step claims up to free due jobs and says how long to sleep before the
// next look: -1 means until woken.
func (d *Dispatcher) step(ctx context.Context, free int) ([]job, time.Duration, error) {
	var claimed []job
	// The hub wakes us after every commit that appended events — under
	// inbound load, after every group commit. Look with a read first so a
	// wake-up with nothing due costs no write transaction on the store's
	// single writer.
	next, err := d.nextDue(ctx)
	if err != nil {
		return nil, 0, err
	}
	if free > 0 && next != 0 && next <= db.Millis(d.opts.Now()) {
		if claimed, err = d.claim(ctx, free); err != nil {
			return nil, 0, err
		}
		next, err = d.nextDue(ctx)
	}
	if err != nil {
		return claimed, 0, err
	}
	d.observeQueue(ctx, next == 0)
	if free == len(claimed) || next == 0 {
		// Every slot is busy (an ending attempt wakes us), or nothing waits.
		return claimed, -1, nil
	}
	wait := time.Duration(next-db.Millis(d.opts.Now())) * time.Millisecond
	if wait <= 0 && len(claimed) == 0 {
		// Due, yet not claimable: another node's claim is committing. Look
		// again shortly rather than spinning.
		wait = 10 * time.Millisecond
	}
	return claimed, max(wait, 0), nil
}
