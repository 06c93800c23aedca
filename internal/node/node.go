// Package node is a running `switchboard serve` as the store sees it: it
// registers as it starts, and the claims its engines make (a workflow run
// being advanced, a message being sent) name it. Claims are leases with
// an end, but waiting for that end after a crash stalls every contact the
// dead node was serving, so a node's claims are taken back as soon as it
// is known dead:
//
//   - On SQLite one node owns the store, which a lock on the data folder
//     enforces; a node starting there knows every claim it finds is a dead
//     node's, and takes them all back.
//   - On PostgreSQL nodes heartbeat; the others take back the claims of a
//     node silent for longer than Silence.
//
// On PostgreSQL the heartbeat also renews the node's leases on the
// consumers of the event log it runs, and takes those whose holder went
// silent (see event.Leases).
package node

import (
	"context"
	"fmt"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"log/slog"
	"os"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/channel/email"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// Heartbeat is how often a node on PostgreSQL says it is alive.
const Heartbeat = 2 * time.Second

// Silence is how long a node may go without a heartbeat before the others
// take back its claims: a few heartbeats, so a pause (a GC, a slow
// commit) does not cost a live node its work.
const Silence = 6 * time.Second

// The kinds of due work whose claims a node holds, told when claims are
// taken back (see db.Tx.Due).
var claimKinds = []string{workflow.DueKind, conversation.DueOutbound, webhook.DueKind, conversation.DueMediaFetch, notification.DueMail,
	broadcast.DueKind}

// claimTables hold claims: lease_until > 0 is a claim, lease_node its node.
// A consumer's lease taken back is taken by another node's next heartbeat.
var claimTables = []string{"workflow_runs", "outbound_jobs", "webhook_deliveries", "media_fetches", "media_removals", "event_consumer_leases", "notifications",
	"broadcasts"}

// Node is this process in the store's registry of nodes.
type Node struct {
	d    *db.DB
	id   int64
	loop *background.Loop
	lock *folderLock

	// host and started are its row's, to register it again under its id
	// if it was taken for dead while alive (see beat).
	host    string
	started int64

	leases *event.Leases // on PostgreSQL: its leases on the consumers it runs

	// reachableSince is when this node's heartbeats last began to succeed
	// (Unix ms), and beatFailed says the last one failed: see reapSilent.
	// Only the Run loop (and Start before it) touches them.
	reachableSince int64
	beatFailed     bool
}

// Start registers this node. On SQLite it first takes the data folder's
// lock (failing if another node holds it) and takes back every claim in
// the store; on PostgreSQL it takes back the claims of nodes already
// silent. Run keeps it alive; Close unregisters it.
func Start(ctx context.Context, d *db.DB, dataDir string, g *background.Group) (*Node, error) {
	n := &Node{d: d}
	if d.Dialect == db.Postgres {
		n.loop = g.NewLoop("node heartbeat")
	}
	if d.Dialect == db.SQLite {
		l, err := lockFolder(dataDir)
		if err != nil {
			return nil, err
		}
		n.lock = l
	}
	n.host, _ = os.Hostname()
	now := d.Now()
	n.started = now
	err := d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO nodes (started_at, seen_at, host) VALUES (?, ?, ?) RETURNING id`, now, now, n.host).Scan(&n.id); err != nil {
			return err
		}
		if d.Dialect == db.SQLite {
			// The store is ours alone: whatever is claimed is a dead node's,
			// the mailboxes its email pollers leased too (under its id, or
			// a name of their own when they ran without one: no poller of
			// this node runs yet). Left, each mailbox waited out its
			// lease, 90 s.
			if _, err := tx.Exec(ctx, `UPDATE email_mailboxes SET lease_until = 0 WHERE lease_until > 0`); err != nil {
				return err
			}
			return takeBack(ctx, tx, `lease_node <> ?`, n.id)
		}
		return nil
	})
	if err != nil {
		n.lock.release()
		return nil, fmt.Errorf("node: register: %w", err)
	}
	// Nodes already silent when this one starts are taken back at once.
	n.reachableSince = now - Silence.Milliseconds()
	if d.Dialect == db.Postgres {
		if err := n.reapSilent(ctx); err != nil {
			n.Close()
			return nil, err
		}
	}
	if d.Dialect == db.Postgres {
		n.leases = event.NewLeases(d, n.id, Silence)
	}
	slog.Info("node registered", "node", n.id)
	return n, nil
}

// Leases are the node's leases on the consumers of the event log it runs,
// which its heartbeat renews, for its hub (event.Hub.UseLeases): nil on
// SQLite, where the one node runs every consumer.
func (n *Node) Leases() *event.Leases { return n.leases }

// ID is the node's id, which its claims carry.
func (n *Node) ID() int64 { return n.id }

// Heartbeats reports whether the node must run (Run): on PostgreSQL, where
// other nodes watch for its silence.
func (n *Node) Heartbeats() bool { return n.loop != nil }

// Run heartbeats, and takes back the claims of nodes that went silent,
// until ctx ends. Only PostgreSQL needs it (see Heartbeats): on SQLite no
// other node can run.
func (n *Node) Run(ctx context.Context) {
	if n.loop == nil {
		return
	}
	n.loop.Start()
	defer n.loop.Stop()
	for ctx.Err() == nil {
		n.loop.Wait(ctx, n.d.Clock().Now().Add(Heartbeat))
		if ctx.Err() != nil {
			return
		}
		if err := n.beat(ctx); err != nil && ctx.Err() == nil {
			slog.Error("node: heartbeat", "err", err)
		}
	}
}

// beat records that this node is alive, renews its consumers' leases
// (taking those that lapsed) in the same commit, and takes back the
// claims of the nodes that are not alive.
func (n *Node) beat(ctx context.Context) error {
	// Concurrent: it writes this node's own row and nothing else, and a
	// reaper re-reads that row FOR UPDATE (see reapSilent), so the
	// exclusive write lock, which drained every node's writes every two
	// seconds, guarded nothing. In a batch of its own: the leases it
	// renews are rows every node's heartbeat locks, in no order with the
	// queues and rows other jobs lock (see db.InABatchOfItsOwn).
	now := n.d.Now()
	revived := false
	err := n.d.WriteConcurrent(db.InABatchOfItsOwn(ctx), func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE nodes SET seen_at = ? WHERE id = ?`, tx.Now(), n.id)
		if err != nil {
			return err
		}
		if rows, err := res.RowsAffected(); err != nil {
			return err
		} else if revived = rows == 0; revived {
			// Its row is gone: another node took it for dead (a pause
			// longer than Silence) and took its claims back. It is alive,
			// and the claims it makes from now on name it, so it registers
			// again under its id: left out of the registry, its claims
			// were never taken back when it died for good, and waited for
			// their leases' end.
			if _, err := tx.Exec(ctx, `INSERT INTO nodes (id, started_at, seen_at, host) VALUES (?, ?, ?, ?)`, n.id, n.started, tx.Now(), n.host); err != nil {
				return err
			}
		}
		return n.leases.Renew(ctx, tx)
	})
	if err != nil {
		n.beatFailed = true
		return fmt.Errorf("node: heartbeat: %w", err)
	}
	if revived {
		slog.Warn("node: this node was taken for dead (silent too long) and its claims were taken back; registered again", "node", n.id)
	}
	if n.beatFailed {
		n.beatFailed, n.reachableSince = false, now
	}
	return n.reapSilent(ctx)
}

// reapSilent takes back the claims of every other node silent past
// Silence, and forgets those nodes.
//
// Silence is counted only while this node could reach the store: when
// PostgreSQL is down every node is silent, and a node whose heartbeat
// came back first used to take back the claims of the others, still
// alive, and send again the messages they had sent and could not yet
// record (TestPostgresStopped, 6 messages twice under load). So after a
// failed heartbeat nobody is taken back until the store has answered for
// Silence, time for every live node to beat again.
func (n *Node) reapSilent(ctx context.Context) error {
	if n.d.Now()-n.reachableSince < Silence.Milliseconds() {
		return nil
	}
	silent, err := db.QueryIDs(ctx, n.d.Reader(), `SELECT id FROM nodes WHERE seen_at < ? AND id <> ?`, n.d.Now()-Silence.Milliseconds(), n.id)
	if err != nil {
		return fmt.Errorf("node: silent nodes: %w", err)
	}
	for _, id := range silent {
		err := n.d.Write(ctx, func(tx *db.Tx) error {
			// Re-check: it may have come back. FOR UPDATE on PostgreSQL:
			// its heartbeat is a concurrent write (see beat), which this
			// exclusive one excludes, and the row lock keeps it so if
			// that ever changes.
			q := `SELECT seen_at FROM nodes WHERE id = ?`
			if tx.Dialect() == db.Postgres {
				q += ` FOR UPDATE`
			}
			var seen int64
			if err := tx.QueryRow(ctx, q, id).Scan(&seen); err != nil || seen >= tx.Now()-Silence.Milliseconds() {
				return nil
			}
			if err := takeBack(ctx, tx, `lease_node = ?`, id); err != nil {
				return err
			}
			// Its email pollers' mailboxes, leased under its id: the
			// pollers of the other nodes, waiting for the leases' end
			// (90 s), are told to claim them now.
			if _, err := tx.Exec(ctx, `UPDATE email_mailboxes SET lease_until = 0 WHERE lease_until > 0 AND holder = ?`, email.Holder(id)); err != nil {
				return err
			}
			tx.Due(email.DueMailbox, 0)
			_, err := tx.Exec(ctx, `DELETE FROM nodes WHERE id = ?`, id)
			return err
		})
		if err != nil {
			return fmt.Errorf("node: take back the claims of node %d: %w", id, err)
		}
		slog.Warn("node went silent; its claims were taken back", "node", id)
	}
	return nil
}

// takeBack ends the claims selected by where (on lease_node, with one
// argument) and tells every node's engines they are due now.
func takeBack(ctx context.Context, tx *db.Tx, where string, arg int64) error {
	for _, table := range claimTables {
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET lease_until = 0 WHERE lease_until > 0 AND `+where, arg); err != nil {
			return err
		}
	}
	for _, kind := range claimKinds {
		tx.Due(kind, 0)
	}
	return nil
}

// Close unregisters the node (its engines have released their claims by
// then), releases its consumers' leases for the other nodes to take and,
// on SQLite, releases the data folder.
func (n *Node) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.d.Write(ctx, func(tx *db.Tx) error {
		if n.leases != nil {
			if err := n.leases.ReleaseTx(ctx, tx); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `DELETE FROM nodes WHERE id = ?`, n.id)
		return err
	}); err != nil {
		slog.Warn("node: unregister", "err", err)
	}
	n.lock.release()
}
