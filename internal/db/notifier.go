package db

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifier tells the other nodes of this node's commits on PostgreSQL.
//
// A NOTIFY is a transaction of its own (sent after the commit it tells
// of, see Tx.commit), and PostgreSQL holds one lock, for the whole
// database, from a notifying transaction's pre-commit to its end, fsync
// included: every commit of every node that notified took its turn on
// that lock, and the lock sampler caught them queueing on it, each one
// also delaying the news by a disk flush. So news is sent by one
// goroutine per node, on a connection of its own whose commits do not
// wait for the flush (synchronous_commit off: a notification lost in a
// server crash is harmless, since listeners reconnect and look at the
// log's newest event), and the news of the commits made while one
// NOTIFY is on its way is merged into the next: the newest event id,
// and the earliest due time of each kind of work. Broadcasts (see
// DB.Broadcast) ride the same NOTIFYs, in the order they were made.
type notifier struct {
	d *DB

	mu         sync.Mutex
	pending    bool
	last       int64
	due        map[string]int64
	rewrote    bool     // a commit rewrote events already in the log (see Tx.RewroteEvents)
	broadcasts []string // "b:<topic>:<message>" items, in the order told
	wake       chan struct{}

	stop     chan struct{}
	stopOnce sync.Once // Close may be called more than once
	done     chan struct{}
	conn     *pgx.Conn // the loop's alone
}

func newNotifier(d *DB) *notifier {
	n := &notifier{d: d, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go n.loop()
	return n
}

// tell queues a commit's news (last event id, due times, whether it
// rewrote events) for the next NOTIFY; it never blocks.
func (n *notifier) tell(last int64, due map[string]int64, rewrote bool) {
	n.mu.Lock()
	n.pending = true
	n.last = max(n.last, last)
	n.rewrote = n.rewrote || rewrote
	for kind, at := range due {
		if n.due == nil {
			n.due = map[string]int64{}
		}
		if cur, ok := n.due[kind]; !ok || at < cur {
			n.due[kind] = at
		}
	}
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// broadcast queues a broadcast item for the next NOTIFY, after those
// queued before it; it never blocks.
func (n *notifier) broadcast(item string) {
	n.mu.Lock()
	n.pending = true
	n.broadcasts = append(n.broadcasts, item)
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// notifyTimeout bounds the sending of one batch of news, connection
// included: a NOTIFY takes milliseconds, and a server that stopped
// answering (a failover whose old address is gone, a partition) would
// otherwise hold the notifier until TCP gives up, minutes later, with
// every commit's news queued behind it and the node's shutdown waiting.
var notifyTimeout = 5 * time.Second

// maxPayload bounds one NOTIFY's payload (PostgreSQL refuses 8,000 bytes
// or more): what is pending beyond it goes in further ones.
const maxPayload = 7000

// payloads renders what is pending as NOTIFY payloads, each starting with
// the origin, the news in the first.
func (n *notifier) payloads() []string {
	out := []string{notification(n.d.origin, n.last, n.due, n.rewrote)}
	for _, item := range n.broadcasts {
		cur := &out[len(out)-1]
		if len(*cur)+1+len(item) > maxPayload {
			out = append(out, "o:"+n.d.origin)
			cur = &out[len(out)-1]
		}
		*cur += " " + item
	}
	return out
}

// close sends what is pending and stops the loop.
func (n *notifier) close() {
	n.stopOnce.Do(func() { close(n.stop) })
	<-n.done
}

func (n *notifier) loop() {
	defer close(n.done)
	defer func() {
		if n.conn != nil {
			n.conn.Close(context.Background())
		}
	}()
	for {
		select {
		case <-n.wake:
			n.send()
		case <-n.stop:
			n.send()
			return
		}
	}
}

// send sends the pending news, if any, in one NOTIFY.
func (n *notifier) send() {
	n.mu.Lock()
	if !n.pending {
		n.mu.Unlock()
		return
	}
	payloads := n.payloads()
	n.pending, n.last, n.due, n.rewrote, n.broadcasts = false, 0, nil, false, nil
	n.mu.Unlock()
	// Twice at most: the connection kept since the last NOTIFY may have
	// been ended by the server meanwhile (a restart, a failover, an idle
	// timeout, a proxy), which shows only when it is used, and the news
	// was lost with it; a fresh connection sends what the dead one did
	// not. (Sent twice, a payload costs a spurious wake-up, no more.)
	ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
	defer cancel()
	var err error
	for try := 0; try < 2 && ctx.Err() == nil; try++ {
		if payloads, err = n.sendOn(ctx, payloads); err == nil {
			return
		}
	}
	// A node lost between a commit and its notification leaves the
	// others unwoken until the next one: the same here.
	slog.Warn("db: notify the other nodes", "err", err)
}

// sendOn sends payloads on the notifier's connection, connecting first if
// it has none, and returns those it could not send; on an error it drops
// the connection.
func (n *notifier) sendOn(ctx context.Context, payloads []string) ([]string, error) {
	if n.conn == nil {
		conn, err := pgx.Connect(ctx, n.d.url)
		if err == nil {
			_, err = conn.Exec(ctx, `SET synchronous_commit = off`)
			if err != nil {
				conn.Close(ctx)
			}
		}
		if err != nil {
			return payloads, err
		}
		n.conn = conn
	}
	for i, payload := range payloads {
		if _, err := n.conn.Exec(ctx, `SELECT pg_notify('`+notifyChannel+`', $1)`, payload); err != nil {
			n.conn.Close(ctx) // bounded too: a dead server may not take it
			n.conn = nil
			return payloads[i:], err
		}
	}
	return nil, nil
}
