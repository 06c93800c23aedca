package node_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel/email"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/node"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// claims inserts a workflow run and an outbound job claimed by node
// owner until an hour from now, and returns a function telling whether
// each is still claimed. The rows are the fixture, written directly.
func claims(t *testing.T, d *db.DB, owner int64) func() (run, job bool) {
	t.Helper()
	ctx := context.Background()
	var runID, jobID int64
	until := d.Now() + time.Hour.Milliseconds()
	if err := d.Write(ctx, func(tx *db.Tx) error {
		var ws, wf, ch, ct, msg int64
		for _, row := range []struct {
			q  string
			id *int64
		}{
			{`INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`, &ws},
			{`INSERT INTO workflows (workspace_id, name, webhook_secret, created_at, updated_at) VALUES (?, 'f', 's', 0, 0) RETURNING id`, &wf},
			{`INSERT INTO channels (workspace_id, type, name, token, created_at) VALUES (?, 'custom', 'c', 't', 0) RETURNING id`, &ch},
			{`INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'Ada', 0, 0) RETURNING id`, &ct},
		} {
			args := []any{}
			if ws != 0 {
				args = append(args, ws)
			}
			if err := tx.QueryRow(ctx, row.q, args...).Scan(row.id); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO messages (workspace_id, contact_id, channel_id, direction, sender, type, status, created_at)
			VALUES (?, ?, ?, 'out', 'api', 'text', 'pending', 0) RETURNING id`, ws, ct, ch).Scan(&msg); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO workflow_runs (workspace_id, workflow_id, version, contact_id, conversation_id, status, step,
			data, wake_at, depth, error, created_at, updated_at, ended_at, lease_until, lease_node)
			VALUES (?, ?, 1, 0, 0, 'running', 's', '{}', 1, 0, '', 0, 0, 0, ?, ?) RETURNING id`, ws, wf, until, owner).Scan(&runID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO outbound_jobs (message_id, channel_id, contact_id, next_attempt_at, created_at, lease_until, lease_node)
			VALUES (?, ?, ?, 1, 0, ?, ?) RETURNING id`, msg, ch, ct, until, owner).Scan(&jobID)
	}); err != nil {
		t.Fatal(err)
	}
	return func() (bool, bool) {
		return dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_runs WHERE id = ? AND lease_until > 0`, runID) == 1,
			dbtest.Count(t, d, `SELECT COUNT(*) FROM outbound_jobs WHERE id = ? AND lease_until > 0`, jobID) == 1
	}
}

// dueTold records the due work the store tells its timers of.
func dueTold(d *db.DB) func() []string {
	var mu sync.Mutex
	var told []string
	for _, kind := range []string{workflow.DueKind, conversation.DueOutbound} {
		d.OnDue(kind, func(int64) { mu.Lock(); told = append(told, kind); mu.Unlock() })
	}
	return func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), told...) }
}

// A node restarting on SQLite after a crash takes back every claim it
// finds at once: they can only be a dead node's, since one node at a time
// may serve the folder. (It used to wait for their leases to end: a 30 s
// stall for every contact after a SIGKILL.)
func TestSQLiteNodeOwnsTheFolderAndTakesBackEveryClaim(t *testing.T) {
	cfg := dbtest.Config(t, db.SQLite)
	ctx := context.Background()
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	g := background.NewGroup(nil)
	first, err := node.Start(ctx, d, cfg.DataDir, g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := node.Start(ctx, d, cfg.DataDir, g); err == nil || !strings.Contains(err.Error(), "another switchboard node") {
		t.Fatalf("a second node on the same folder: %v, want it refused", err)
	}
	claimed := claims(t, d, first.ID())
	// An email channel's mailbox, leased by the first process's poller
	// (under a name of its own, not the node's id).
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO email_mailboxes (channel_id, holder, lease_until) SELECT id, 'a1b2c3d4', ? FROM channels`,
			d.Now()+90_000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	first.Close() // as a crash would leave them: claimed, never released
	told := dueTold(d)
	second, err := node.Start(ctx, d, cfg.DataDir, g)
	if err != nil {
		t.Fatalf("a node after the first is gone: %v", err)
	}
	defer second.Close()
	if run, job := claimed(); run || job {
		t.Fatalf("after a restart the dead node's claims remain: run %v, job %v", run, job)
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM email_mailboxes WHERE lease_until > 0`); n != 0 {
		t.Fatalf("after a restart %d mailbox leases of the dead process remain: its mail waits for them to end", n)
	}
	if got := told(); len(got) != 2 {
		t.Fatalf("the engines were told %v, want both kinds of work due", got)
	}
	if second.Heartbeats() {
		t.Fatal("a SQLite node heartbeats, though no other node can watch it")
	}
}

// On PostgreSQL the claims of a node that stops heartbeating are taken
// back by the others after Silence, not when their leases end; a node
// that keeps beating keeps its claims.
func TestSilentNodeLosesItsClaims(t *testing.T) {
	d, fake, g, alive, dying := watchedNode(t)
	if !alive.Heartbeats() {
		t.Fatal("a PostgreSQL node does not heartbeat")
	}
	aliveClaims, dyingClaims := claims(t, d, alive.ID()), claims(t, d, dying.ID())
	told := dueTold(d)
	backgroundtest.Run(t, g, alive.Run)
	fake.Advance(node.Silence - node.Heartbeat)
	backgroundtest.WaitIdle(t, g)
	if run, job := dyingClaims(); !run || !job {
		t.Fatal("a node's claims were taken back before it was silent for long")
	}
	fake.Advance(2 * node.Heartbeat)
	backgroundtest.WaitIdle(t, g)
	if run, job := dyingClaims(); run || job {
		t.Fatalf("a silent node keeps its claims: run %v, job %v", run, job)
	}
	if run, job := aliveClaims(); !run || !job {
		t.Fatal("a node that heartbeats lost its claims")
	}
	if dbtest.Count(t, d, `SELECT COUNT(*) FROM nodes WHERE id = ?`, dying.ID()) != 0 {
		t.Fatal("the silent node is still registered")
	}
	if got := told(); len(got) != 2 {
		t.Fatalf("the engines were told %v, want both kinds of work due", got)
	}
}

// The email pollers of a node lease mailboxes under its id: a silent
// node's mailbox leases are taken back with its other claims, and the
// pollers waiting for them told (email.DueMailbox), so another node reads
// its mailboxes after Silence rather than when the leases end, 90 s after
// the death. A live node keeps its mailboxes.
func TestSilentNodeLosesItsMailboxLeases(t *testing.T) {
	ctx := context.Background()
	d, fake, g, alive, dying := watchedNode(t)
	claims(t, d, alive.ID())
	claims(t, d, dying.ID()) // a second channel
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO email_mailboxes (channel_id, holder, lease_until)
			SELECT id, CASE WHEN id = (SELECT MIN(id) FROM channels) THEN ? ELSE ? END, ? FROM channels`,
			email.Holder(alive.ID()), email.Holder(dying.ID()), tx.Now()+email.LeaseDuration.Milliseconds())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var told atomic.Int32
	d.OnDue(email.DueMailbox, func(int64) { told.Add(1) })
	leased := func(nodeID int64) bool {
		return dbtest.Count(t, d, `SELECT COUNT(*) FROM email_mailboxes WHERE holder = ? AND lease_until > 0`, email.Holder(nodeID)) == 1
	}
	backgroundtest.Run(t, g, alive.Run)
	fake.Advance(node.Silence - node.Heartbeat)
	backgroundtest.WaitIdle(t, g)
	if !leased(dying.ID()) {
		t.Fatal("a node's mailbox lease was taken back before it was silent for long")
	}
	fake.Advance(2 * node.Heartbeat)
	backgroundtest.WaitIdle(t, g)
	if leased(dying.ID()) {
		t.Fatal("a silent node keeps its mailbox lease until it ends")
	}
	if !leased(alive.ID()) {
		t.Fatal("a node that heartbeats lost its mailbox lease")
	}
	if told.Load() == 0 {
		t.Fatal("the pollers waiting for the lease were not told it was taken back")
	}
}

// When PostgreSQL is down every node is silent. A node whose heartbeat
// comes back first must not take back the claims of the others, alive
// and about to beat again: only a node still silent Silence after the
// store answers again is dead. (It used to, and the messages the others
// had sent but not yet recorded were sent twice: TestPostgresStopped.)
func TestAnOutageSilencesNobody(t *testing.T) {
	ctx := context.Background()
	d, fake, g, watcher, other := watchedNode(t)
	otherClaims := claims(t, d, other.ID())
	// The outage, as the heartbeat sees it: its write fails as on a
	// connection lost (SQLSTATE class 08, the store unavailable).
	outage := func(on bool) {
		q := `DROP TRIGGER IF EXISTS outage ON nodes`
		if on {
			q = `CREATE OR REPLACE FUNCTION outage() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'the store is down' USING ERRCODE = '08006'; END $$;
				CREATE TRIGGER outage BEFORE UPDATE ON nodes FOR EACH ROW EXECUTE FUNCTION outage()`
		}
		if err := d.Write(ctx, func(tx *db.Tx) error { _, err := tx.Exec(ctx, q); return err }); err != nil {
			t.Fatal(err)
		}
	}
	outage(true)
	backgroundtest.Run(t, g, watcher.Run)
	backgroundtest.WaitIdle(t, g) // its loop asleep, its first beat due
	fake.Advance(2 * node.Silence)
	backgroundtest.WaitIdle(t, g)
	outage(false)
	fake.Advance(node.Heartbeat)
	backgroundtest.WaitIdle(t, g)
	if run, job := otherClaims(); !run || !job {
		t.Fatalf("the first heartbeat after an outage took back the claims of a node the outage had silenced: run %v job %v, nodes %d", run, job, dbtest.Count(t, d, `SELECT COUNT(*) FROM nodes`))
	}
	// Still silent Silence after the store came back: dead.
	fake.Advance(node.Silence)
	backgroundtest.WaitIdle(t, g)
	if run, job := otherClaims(); run || job {
		t.Fatalf("a node silent for Silence after the outage keeps its claims: run %v, job %v", run, job)
	}
}

// On PostgreSQL a node's heartbeat renews its leases on the consumers it
// runs, in the heartbeat's own commit (an idle node writes no more than
// it did), and takes the lease of a silent node's consumer once it lapses:
// that consumer then runs here. A node closing releases its leases.
func TestHeartbeatTakesTheLeaseOfASilentNodesConsumer(t *testing.T) {
	ctx := context.Background()
	d, fake := pgOnFakeClock(t)
	var ws int64
	if err := d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
	}); err != nil {
		t.Fatal(err)
	}
	// Each node: its group, its hub under its leases, a consumer of one
	// shared name counting what it handles.
	type running struct {
		n       *node.Node
		g       *background.Group
		c       *event.Consumer
		handled atomic.Int64
	}
	start := func() *running {
		r := &running{g: background.NewGroup(fake)}
		n, err := node.Start(ctx, d, "", r.g)
		if err != nil {
			t.Fatal(err)
		}
		r.n = n
		hub := event.NewHub()
		d.OnEvents(hub.Notify)
		hub.UseLeases(n.Leases())
		r.c = event.NewConsumer(d, hub, r.g, event.ConsumerConfig{Name: "shared",
			Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
				tx.OnCommit(func() { r.handled.Add(int64(len(events))) })
				return nil
			}})
		return r
	}
	// The dying node takes the lease, then dies: nothing of it runs any
	// more, and it releases nothing.
	dying := start()
	dyingCtx, kill := context.WithCancel(ctx)
	dying.c.Start() // not its heartbeat: that never runs
	dead := make(chan struct{})
	go func() { defer close(dead); dying.c.Run(dyingCtx) }()
	backgroundtest.WaitIdle(t, dying.g)
	if !dying.c.Leased() {
		t.Fatal("the first node did not take the free lease")
	}
	kill()
	<-dead
	// The second node starts a millisecond later, so that its heartbeats
	// fall due just after the dying node's lease lapses, never on the
	// instant it does: a loop woken by a fake clock's Advance may read
	// the time its timer fell due, or any later time up to the Advance's
	// end, so a beat due on the lapse would take the lease or not by
	// chance.
	fake.Advance(time.Millisecond)
	alive := start()
	backgroundtest.Run(t, alive.g, alive.n.Run, alive.c.Run)
	backgroundtest.WaitIdle(t, alive.g)
	if alive.c.Leased() {
		t.Fatal("the second node took a lease the first holds")
	}

	commits := d.Commits()
	fake.Advance(node.Heartbeat)
	backgroundtest.WaitIdle(t, alive.g)
	fake.Advance(node.Heartbeat)
	backgroundtest.WaitIdle(t, alive.g)
	if got := d.Commits() - commits; got != 2 {
		t.Fatalf("two heartbeats made %d commits, want 2: the leases are renewed in the heartbeat's", got)
	}
	if alive.c.Leased() {
		t.Fatal("the lease was taken before it lapsed")
	}
	fake.Advance(node.Silence - 2*node.Heartbeat) // the third beat, just past the lapse
	backgroundtest.WaitIdle(t, alive.g)
	if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM event_consumer_leases WHERE name = 'shared' AND lease_node = ?`, alive.n.ID()); got != 1 || !alive.c.Leased() {
		t.Fatalf("leased %v (%d rows) once the silent node's lease lapsed, want it taken", alive.c.Leased(), got)
	}
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ContactCreated})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, alive.g)
	if got := alive.handled.Load(); got != 1 {
		t.Fatalf("the new holder handled %d events, want 1", got)
	}
	alive.n.Close()
	if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM event_consumer_leases WHERE lease_until > 0`); got != 0 {
		t.Fatalf("%d leases held after the node closed, want them released", got)
	}
}

// watchedNode starts two nodes on a fresh PostgreSQL store on a fake
// clock: watcher, whose loop the test runs in g, and other, registered
// with claims but whose loop never runs (its next heartbeat not made).
func watchedNode(t *testing.T) (d *db.DB, fake *clock.Fake, g *background.Group, watcher, other *node.Node) {
	t.Helper()
	if len(dbtest.Dialects()) < 2 {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	ctx := context.Background()
	d = dbtest.Open(t, db.Postgres)
	fake = clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(fake)
	g = background.NewGroup(fake)
	watcher, err := node.Start(ctx, d, "", g)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { watcher.Close() })
	if other, err = node.Start(ctx, d, "", background.NewGroup(fake)); err != nil {
		t.Fatal(err)
	}
	return d, fake, g, watcher, other
}

// The heartbeat renews the leases of the node's consumers, rows every
// node's heartbeat locks in no order with what other writes lock (a
// routing job's queue, say), so its write goes in a batch of its own
// (db.InABatchOfItsOwn): batched with such a job on two nodes, two
// heartbeats deadlocked in a 3-node proof.
func TestHeartbeatWritesInABatchOfItsOwn(t *testing.T) {
	ctx := context.Background()
	d, fake := pgOnFakeClock(t)
	batches := dbtest.RecordBatches(d)
	g := background.NewGroup(fake)
	n, err := node.Start(ctx, d, "", g)
	if err != nil {
		t.Fatal(err)
	}
	backgroundtest.Run(t, g, n.Run)
	backgroundtest.WaitIdle(t, g)
	before := len(batches())

	fake.Advance(node.Heartbeat)
	backgroundtest.WaitIdle(t, g)
	beats := batches()[before:]
	if len(beats) != 1 || len(beats[0]) != 1 || !beats[0][0].Alone {
		t.Fatalf("the heartbeat was written in batches %+v, want one batch of one job alone", beats)
	}
}

// pgOnFakeClock is a fresh PostgreSQL store on a fake clock, for the
// tests of what nodes do to each other (SQLite has one node); it skips
// the test without PostgreSQL.
func pgOnFakeClock(t *testing.T) (*db.DB, *clock.Fake) {
	t.Helper()
	if len(dbtest.Dialects()) < 2 {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	d := dbtest.Open(t, db.Postgres)
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(fake)
	return d, fake
}

// A node paused past Silence (a long GC, a frozen VM) is taken for dead:
// its claims are taken back and its row forgotten. When it resumes it
// beats again, and must be watched again: if it then dies, its new
// claims are taken back after Silence like any node's. (Its heartbeat
// updated a row that was gone and said nothing, so the node ran on
// unregistered and its claims waited for their leases' end.)
func TestANodeTakenForDeadIsWatchedAgainWhenItBeats(t *testing.T) {
	ctx := context.Background()
	d, fake := pgOnFakeClock(t)
	gw, gp := background.NewGroup(fake), background.NewGroup(fake)
	watcher, err := node.Start(ctx, d, "", gw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(watcher.Close)
	paused, err := node.Start(ctx, d, "", gp)
	if err != nil {
		t.Fatal(err)
	}
	backgroundtest.Run(t, gw, watcher.Run)
	backgroundtest.WaitIdle(t, gw)
	fake.Advance(node.Silence + node.Heartbeat)
	backgroundtest.WaitIdle(t, gw)
	if dbtest.Count(t, d, `SELECT COUNT(*) FROM nodes WHERE id = ?`, paused.ID()) != 0 {
		t.Fatal("a node silent past Silence is still registered")
	}

	// It resumes, beats, claims work, then dies for good.
	pausedCtx, kill := context.WithCancel(ctx)
	gp.StartAll()
	stopped := make(chan struct{})
	go func() { defer close(stopped); paused.Run(pausedCtx) }()
	backgroundtest.WaitIdle(t, gp)
	fake.Advance(node.Heartbeat)
	backgroundtest.WaitIdle(t, gp)
	backgroundtest.WaitIdle(t, gw)
	if dbtest.Count(t, d, `SELECT COUNT(*) FROM nodes WHERE id = ?`, paused.ID()) != 1 {
		t.Fatal("a node that beats again after it was taken for dead is not registered again")
	}
	claimed := claims(t, d, paused.ID())
	kill()
	<-stopped
	fake.Advance(node.Silence + node.Heartbeat)
	backgroundtest.WaitIdle(t, gw)
	if run, job := claimed(); run || job {
		t.Fatalf("the claims of a node that died after it came back are kept: run %v, job %v", run, job)
	}
}
