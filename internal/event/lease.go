package event

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Leases keeps one node's leases on the consumers it runs, on PostgreSQL,
// where several nodes share the log: a node runs a consumer only while it
// holds the lease of its name (a row of event_consumer_leases, migration
// 040), and the others do no work for it at all — they are not woken by
// commits, read neither the horizon nor the log, and try no cursor row.
// Every node running every consumer made each commit cost a pass per
// consumer per node, most of them finding the cursor row locked by the
// node whose batch was committing.
//
// A lease lasts Term past its last renewal, on the store's clock. The
// node renews the leases it holds and takes those that lapsed (their
// holder died, or stopped) in one statement, Renew, which the node's
// heartbeat runs in its own transaction, so that an idle node writes no
// more than it did; a consumer starting takes its own lease at once if it
// is free (see Consumer.Run), so a node does not wait for a heartbeat
// before it works. A holder that stops releases its leases (ReleaseTx),
// for the others to take at their next heartbeat.
//
// The lease is an efficiency, never the guard: two nodes may both run a
// consumer for a moment (the old holder has not yet heard that its lease
// lapsed and was taken), and then the cursor row, locked and moved in each
// batch's transaction, still keeps a batch from being handled twice.
type Leases struct {
	d      *db.DB
	holder int64         // the node (nodes.id) the leases are held by
	term   time.Duration // how long a lease lasts past its renewal

	mu      sync.Mutex
	running map[string][]*Consumer // the consumers running on this node, by name
}

// NewLeases returns the leases of the node holder on d, each lasting term
// past its renewal. Give it to the hub (Hub.UseLeases) before its
// consumers run.
func NewLeases(d *db.DB, holder int64, term time.Duration) *Leases {
	return &Leases{d: d, holder: holder, term: term, running: map[string][]*Consumer{}}
}

// Holder is the node the leases are held by.
func (l *Leases) Holder() int64 { return l.holder }

// join records c as running, and leave as stopped: a node renews and
// takes the leases of the consumers it runs, no others.
func (l *Leases) join(c *Consumer) {
	l.mu.Lock()
	l.running[c.cfg.Name] = append(l.running[c.cfg.Name], c)
	l.mu.Unlock()
}

func (l *Leases) leave(c *Consumer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	list := slices.DeleteFunc(l.running[c.cfg.Name], func(o *Consumer) bool { return o == c })
	if len(list) == 0 {
		delete(l.running, c.cfg.Name)
	} else {
		l.running[c.cfg.Name] = list
	}
}

// Renew renews, in tx, the leases this node holds on the consumers it
// runs and takes those that are free or lapsed; once tx commits, the
// consumers whose lease this node holds run (a consumer that has just
// gained its lease is woken to catch up from the shared cursor) and the
// others stop. The node's heartbeat calls it. A nil Leases renews nothing.
func (l *Leases) Renew(ctx context.Context, tx *db.Tx) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	names := make([]string, 0, len(l.running))
	for name := range l.running {
		names = append(names, name)
	}
	l.mu.Unlock()
	if len(names) == 0 {
		return nil
	}
	// In name order, so that two nodes renewing at once lock the rows in
	// the same order.
	slices.Sort(names)
	held, err := l.take(ctx, tx, names)
	if err != nil {
		return err
	}
	tx.OnCommit(func() { l.apply(names, held) })
	return nil
}

// take upserts the lease rows of names for this node where they are free,
// lapsed or already its own, and returns the names it holds now.
func (l *Leases) take(ctx context.Context, tx *db.Tx, names []string) (map[string]bool, error) {
	now := tx.Now()
	until := now + l.term.Milliseconds()
	values := make([]string, len(names))
	args := make([]any, 0, 3*len(names)+1)
	for i, name := range names {
		values[i] = "(?, ?, ?)"
		args = append(args, name, l.holder, until)
	}
	args = append(args, now)
	// A row locked by another node taking it waits for that node's
	// commit and is then re-checked: it is not free any more.
	rows, err := tx.Query(ctx, `INSERT INTO event_consumer_leases (name, lease_node, lease_until) VALUES `+strings.Join(values, ", ")+`
		ON CONFLICT (name) DO UPDATE SET lease_node = excluded.lease_node, lease_until = excluded.lease_until
		WHERE event_consumer_leases.lease_node = excluded.lease_node OR event_consumer_leases.lease_until < ?
		RETURNING name`, args...)
	if err != nil {
		return nil, fmt.Errorf("event: consumer leases: %w", err)
	}
	got, err := db.Collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return nil, fmt.Errorf("event: consumer leases: %w", err)
	}
	held := make(map[string]bool, len(got))
	for _, name := range got {
		held[name] = true
	}
	return held, nil
}

// apply marks the running consumers of names as holding their lease or
// not, and wakes those that gained it.
func (l *Leases) apply(names []string, held map[string]bool) {
	l.mu.Lock()
	var gained []*Consumer
	for _, name := range names {
		for _, c := range l.running[name] {
			if held[name] {
				if !c.leased.Load() {
					// Another node may have moved the cursor meanwhile:
					// the next pass reads it.
					c.synced.Store(false)
					c.leased.Store(true)
					gained = append(gained, c)
				}
			} else {
				c.leased.Store(false)
			}
		}
	}
	l.mu.Unlock()
	for _, c := range gained {
		c.loop.Signal()
	}
}

// takeOne takes c's lease for this node if it is free, lapsed or already
// its own, in a transaction of its own: a consumer starting does so,
// rather than wait for the next heartbeat.
func (l *Leases) takeOne(ctx context.Context, c *Consumer) {
	var held map[string]bool
	// In a batch of its own, as the heartbeat's renewal: see
	// db.InABatchOfItsOwn.
	err := l.d.WriteConcurrent(db.InABatchOfItsOwn(ctx), func(tx *db.Tx) error {
		var err error
		held, err = l.take(ctx, tx, []string{c.cfg.Name})
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			// The heartbeat tries again.
			slog.Warn("event: take a consumer's lease", "consumer", c.cfg.Name, "err", err)
		}
		return
	}
	l.apply([]string{c.cfg.Name}, held)
}

// ReleaseTx gives up, in tx, every lease this node holds, for the other
// nodes to take at their next heartbeat: a node stopping calls it once
// its consumers have stopped.
func (l *Leases) ReleaseTx(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.Exec(ctx, `UPDATE event_consumer_leases SET lease_until = 0 WHERE lease_node = ?`, l.holder); err != nil {
		return fmt.Errorf("event: release consumer leases: %w", err)
	}
	return nil
}
