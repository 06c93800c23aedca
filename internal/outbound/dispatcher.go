package outbound

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// The retry backoff's defaults: the first retry after DefaultBaseDelay,
// doubling per failed attempt up to DefaultMaxDelay; the message fails
// after DefaultMaxAttempts attempts.
const (
	DefaultBaseDelay   = time.Second
	DefaultMaxDelay    = 5 * time.Minute
	DefaultMaxAttempts = 10
)

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	BaseDelay   time.Duration // first retry delay; doubles per attempt (default DefaultBaseDelay)
	MaxDelay    time.Duration // cap of the retry delay (default DefaultMaxDelay)
	MaxAttempts int           // attempts before a message is failed (default DefaultMaxAttempts)
	// Lease is how long a claimed job belongs to this node. A node that
	// crashes mid-send loses its jobs to the others when their leases end.
	// Each attempt is bounded to three quarters of it (default 60s).
	Lease       time.Duration
	Concurrency int // jobs sent at once by this node (default 8)
	// Node is this node's id (node.Node), which its claims carry so they
	// can be taken back as soon as it is known dead, not when they end.
	Node int64
	// DrainTimeout bounds how long a stopping dispatcher lets the attempts
	// in flight finish before it cuts them off (default 10s): an attempt
	// that may have reached the integrator must be recorded, not handed
	// back as if it never happened.
	DrainTimeout time.Duration
	// Group runs the dispatcher's loop, on the store's clock (default: a
	// group of its own).
	Group *background.Group
	// Due, when set, is the node's runner of timed work, which then runs
	// the dispatcher's passes (default: a runner of its own, run by Run).
	Due    *due.Runner
	Logger *slog.Logger // default slog.Default()
	// Channels reads a job's channel, secrets opened (default: a bare
	// channel.Service, which opens only secrets stored in plaintext).
	Channels Channels
}

func (o *Options) defaults(d *db.DB) {
	o.defaultDelays()
	if o.Lease <= 0 {
		o.Lease = 60 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 10 * time.Second
	}
	if o.Group == nil {
		o.Group = background.NewGroup(d.Clock())
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Channels == nil {
		o.Channels = channel.New(d)
	}
}

// defaultDelays fills in the retry backoff's defaults.
func (o *Options) defaultDelays() {
	if o.BaseDelay <= 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = max(DefaultMaxDelay, o.BaseDelay)
	}
	if o.MaxDelay < o.BaseDelay {
		o.MaxDelay = o.BaseDelay
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
}

// Dispatcher delivers the outbound queue. Several dispatchers, in one
// process or on several nodes sharing a PostgreSQL store, may run at once:
// a job is claimed by exactly one of them at a time.
type Dispatcher struct {
	db       *db.DB
	senders  map[string]Sender
	m        *metrics.Metrics
	opts     Options
	log      *slog.Logger
	work     *due.Handle           // the dispatcher as a kind of timed work
	runOwn   func(context.Context) // its runner, when it has one of its own
	inflight atomic.Int64
	counted  time.Time // when observeQueue last counted (passes only)

	// Attempts outlive the pass that started them by up to DrainTimeout
	// (see Run): they run on sendCtx, which drain cuts off.
	mu      sync.Mutex
	sendCtx context.Context
	cutOff  context.CancelFunc
	wg      sync.WaitGroup
	// passing is held by a pass while it may start attempts, and taken by
	// Run as it stops, so no attempt starts once the drain began.
	passing  sync.RWMutex
	stopping bool // under passing: Run has stopped and drains
}

// New returns a Dispatcher delivering through senders, keyed by channel
// type (e.g. channel.TypeCustom). It hears of new and retried jobs from
// the store (conversation.DueOutbound), on this node and, on PostgreSQL,
// the others.
func New(d *db.DB, senders map[string]Sender, m *metrics.Metrics, opts Options) *Dispatcher {
	opts.defaults(d)
	if m == nil {
		m = metrics.New()
	}
	copied := make(map[string]Sender, len(senders))
	for typ, s := range senders {
		copied[typ] = s
	}
	disp := &Dispatcher{db: d, senders: copied, m: m, opts: opts, log: opts.Logger.With("component", "outbound")}
	disp.sendCtx, disp.cutOff = context.WithCancel(context.Background())
	disp.work, disp.runOwn = due.Attach(opts.Due, d, opts.Group, due.Kind{Name: conversation.DueOutbound, Pass: disp.pass,
		Retry: 100 * time.Millisecond, MaxRetry: 10 * time.Second,
		// The backlog is what could be claimed now: a job waiting behind an
		// earlier one to its contact (a retry, say) is not due, and counting
		// it would report (and page on) an overdue backlog while all is well.
		Backlog: due.Overdue(d, `SELECT COUNT(*), COALESCE(MIN(j.next_attempt_at), 0)
			FROM outbound_jobs j WHERE j.state = 'pending' AND j.next_attempt_at <= ? AND j.lease_until <= ? AND `+headOfLine("j"))})
	return disp
}

// now is the store's clock.
func (d *Dispatcher) now() time.Time { return d.db.Clock().Now() }

// Run delivers jobs until ctx ends. The dispatcher is a kind of the
// node's timed work (internal/due): it sleeps until the next due time of
// the queue — a new job, a retry, or a lease that a crashed node left
// behind — and wakes early when a job due sooner is committed or an
// attempt of its own ends; it never polls. When ctx ends it claims
// nothing more and lets the attempts in flight finish, for at most
// DrainTimeout, so that what reached the integrator is recorded.
func (d *Dispatcher) Run(ctx context.Context) {
	d.passing.Lock()
	d.stopping = false
	d.passing.Unlock()
	d.work.Start()
	d.runOwn(ctx) // with the node's runner: waits for ctx, the runner claims
	d.passing.Lock()
	d.stopping = true
	d.passing.Unlock()
	d.mu.Lock()
	cutOff := d.cutOff
	d.mu.Unlock()
	d.drain(&d.wg, cutOff)
	d.mu.Lock() // ready to run again
	d.sendCtx, d.cutOff = context.WithCancel(context.Background())
	d.mu.Unlock()
}

// pass is the dispatcher's pass of timed work: it claims and starts what
// is due (see step).
func (d *Dispatcher) pass(ctx context.Context) (time.Time, error) {
	d.passing.RLock()
	defer d.passing.RUnlock()
	if d.stopping {
		return time.Time{}, nil
	}
	d.mu.Lock()
	sendCtx := d.sendCtx
	d.mu.Unlock()
	return d.step(ctx, sendCtx, &d.wg)
}

// drain waits for the attempts in flight, cutting them off after
// DrainTimeout; a cut attempt is recorded as one (see settle).
func (d *Dispatcher) drain(wg *sync.WaitGroup, cutOff context.CancelFunc) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if d.inflight.Load() > 0 {
		d.log.Info("waiting for outbound attempts in flight", "count", d.inflight.Load(), "timeout", d.opts.DrainTimeout)
	}
	t := time.NewTimer(d.opts.DrainTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		d.log.Warn("outbound attempts still in flight at shutdown; cutting them off", "count", d.inflight.Load())
		cutOff()
		<-done
	}
}

// step claims what is due into the free slots, starts the attempts and
// says when to look next (zero: when signalled).
func (d *Dispatcher) step(ctx, sendCtx context.Context, wg *sync.WaitGroup) (time.Time, error) {
	free := d.opts.Concurrency - int(d.inflight.Load())
	// Look with a read first, so a wake-up with nothing due costs no
	// write transaction on the store's single writer.
	next, err := d.nextDue(ctx)
	if err != nil {
		return time.Time{}, err
	}
	claimed := 0
	if free > 0 && next != 0 && next <= db.Millis(d.now()) {
		jobs, err := d.claim(ctx, free)
		if err != nil {
			return time.Time{}, err
		}
		for _, j := range jobs {
			d.inflight.Add(1)
			wg.Add(1)
			d.work.Go(func() {
				defer wg.Done()
				defer d.inflight.Add(-1)
				d.process(sendCtx, j)
			})
		}
		claimed = len(jobs)
		if next, err = d.nextDue(ctx); err != nil {
			return time.Time{}, err
		}
	}
	d.observeQueue(ctx, next == 0)
	if free == claimed || next == 0 {
		// Every slot is busy (an ending attempt signals the loop), or
		// nothing waits.
		return time.Time{}, nil
	}
	if next <= db.Millis(d.now()) && claimed == 0 {
		// Due, yet not claimable: another node's claim is committing. Look
		// again shortly rather than spinning.
		return d.now().Add(10 * time.Millisecond), nil
	}
	return db.Time(next), nil
}
