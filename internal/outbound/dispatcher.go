package outbound

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
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
	Group  *background.Group
	Logger *slog.Logger // default slog.Default()
}

func (o *Options) defaults(d *db.DB) {
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
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 10 * time.Second
	}
	if o.Group == nil {
		o.Group = background.NewGroup(d.Clock())
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
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
	loop     *background.Loop
	inflight atomic.Int64
	counted  time.Time // when observeQueue last counted (run loop only)
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
	disp := &Dispatcher{db: d, senders: copied, m: m, opts: opts, log: opts.Logger.With("component", "outbound"),
		loop: opts.Group.NewLoop("outbound dispatcher")}
	d.OnDue(conversation.DueOutbound, disp.loop.Schedule)
	return disp
}

// now is the store's clock.
func (d *Dispatcher) now() time.Time { return d.db.Clock().Now() }

// Run delivers jobs until ctx ends. It sleeps until the next due time of
// the queue — a new job, a retry, or a lease that a crashed node left
// behind — and wakes early when a job due sooner is committed or an
// attempt of its own ends; it never polls. When ctx ends it claims
// nothing more and lets the attempts in flight finish, for at most
// DrainTimeout, so that what reached the integrator is recorded.
func (d *Dispatcher) Run(ctx context.Context) {
	d.loop.Start()
	defer d.loop.Stop()
	// Attempts outlive ctx by up to DrainTimeout (see drain).
	sendCtx, cutOff := context.WithCancel(context.WithoutCancel(ctx))
	defer cutOff()
	var wg sync.WaitGroup
	defer d.drain(&wg, cutOff)
	var errDelay time.Duration
	for ctx.Err() == nil {
		next, err := d.step(ctx, sendCtx, &wg)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			errDelay = min(max(2*errDelay, 100*time.Millisecond), 10*time.Second)
			d.log.Error("outbound queue", "err", err, "retry_in", errDelay)
			next = d.now().Add(errDelay)
		} else {
			errDelay = 0
		}
		d.loop.WaitUntil(ctx, next)
	}
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
			d.loop.Go(func() {
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
