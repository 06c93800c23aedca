package db_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// heard records what a node's consumers and timers were told.
type heard struct {
	mu     sync.Mutex
	events []int64
	due    []int64
	news   chan struct{}
}

func listenTo(d *db.DB) *heard {
	h := &heard{news: make(chan struct{}, 64)}
	d.OnEvents(func(last int64) { h.mu.Lock(); h.events = append(h.events, last); h.mu.Unlock(); h.news <- struct{}{} })
	d.OnDue("test", func(at int64) { h.mu.Lock(); h.due = append(h.due, at); h.mu.Unlock(); h.news <- struct{}{} })
	return h
}

// waitFor waits until ok holds of what was heard.
func (h *heard) waitFor(t *testing.T, what string, ok func(events, due []int64) bool) {
	t.Helper()
	patience := time.NewTimer(backgroundtest.Patience)
	defer patience.Stop()
	for {
		h.mu.Lock()
		done := ok(h.events, h.due)
		h.mu.Unlock()
		if done {
			return
		}
		select {
		case <-h.news:
		case <-patience.C:
			t.Fatalf("never heard %s", what)
		}
	}
}

// listeningNodes opens two handles on the PostgreSQL store of cfg, as two
// nodes, each with what its consumers and timers hear, and runs their
// listeners in g until the test ends, returning once both listen.
func listeningNodes(t *testing.T, cfg db.Config, g *background.Group) (nodes [2]*db.DB, heards [2]*heard) {
	t.Helper()
	for i := range nodes {
		d, err := db.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		nodes[i], heards[i] = d, listenTo(d)
	}
	backgroundtest.Run(t, g, nodes[0].Listener(g), nodes[1].Listener(g))
	// Idle only once both listen.
	backgroundtest.WaitIdle(t, g)
	return nodes, heards
}

// commit appends an event and records work due at dueAt, on d.
func commit(t *testing.T, d *db.DB, ws int64, dueAt ...int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.EventAppended(ctx); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO events (workspace_id, type, seq, payload, created_at) VALUES (?, 'contact.created', 0, '{}', 0) RETURNING id`, ws).Scan(&id); err != nil {
			return err
		}
		tx.NoteEvent(id)
		for _, at := range dueAt {
			tx.Due("test", at)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// A commit on node A reaches node B's consumers and timers through
// PostgreSQL's NOTIFY: the id of its last event, and the due time of the
// work it scheduled, so an agent connected to B sees it at once and B's
// timers need not look after every commit. A node does not hear its own
// commits twice.
func TestListenAcrossNodes(t *testing.T) {
	ctx := context.Background()
	g := background.NewGroup(nil)
	nodes, heards := listeningNodes(t, dbtest.PostgresConfig(t), g)
	// A (re)connected listener wakes every timer once, with 0 (look now).
	for _, h := range heards {
		h.waitFor(t, "the wake-up on connecting", func(_, due []int64) bool { return slices.Equal(due, []int64{0}) })
		h.mu.Lock()
		h.due = nil
		h.mu.Unlock()
	}
	var ws int64
	if err := nodes[0].Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
	}); err != nil {
		t.Fatal(err)
	}
	first := commit(t, nodes[0], ws, 5000, 4000) // the earliest of a kind is what is told
	heards[1].waitFor(t, "node A's commit on node B", func(events, due []int64) bool {
		return slices.Equal(events, []int64{first}) && slices.Equal(due, []int64{4000})
	})
	second := commit(t, nodes[1], ws)
	// Notifications reach a listener in commit order: once A heard B's,
	// it would have heard its own first, were it told of it.
	heards[0].waitFor(t, "node B's commit on node A", func(events, _ []int64) bool { return slices.Contains(events, second) })
	heards[0].mu.Lock()
	defer heards[0].mu.Unlock()
	if !slices.Equal(heards[0].events, []int64{first, second}) || !slices.Equal(heards[0].due, []int64{4000}) {
		t.Fatalf("node A heard events %v and due %v; want its own commit once, in process, then B's", heards[0].events, heards[0].due)
	}
}

// A broadcast reaches the other nodes' handlers of its topic, not the
// sender's, and not another topic's.
func TestBroadcastAcrossNodes(t *testing.T) {
	ctx := context.Background()
	cfg := dbtest.PostgresConfig(t)
	g := background.NewGroup(nil)
	type inbox struct {
		mu  sync.Mutex
		got []string
		c   chan struct{}
	}
	var nodes [2]*db.DB
	var typing, other [2]*inbox
	for i := range nodes {
		d, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		nodes[i] = d
		for _, pair := range []struct {
			topic string
			box   **inbox
		}{{"typing", &typing[i]}, {"other", &other[i]}} {
			b := &inbox{c: make(chan struct{}, 16)}
			*pair.box = b
			d.OnBroadcast(pair.topic, func(msg string) { b.mu.Lock(); b.got = append(b.got, msg); b.mu.Unlock(); b.c <- struct{}{} })
		}
	}
	backgroundtest.Run(t, g, nodes[0].Listener(g), nodes[1].Listener(g))
	backgroundtest.WaitIdle(t, g)
	if err := nodes[0].Broadcast(ctx, "typing", "1,2,3,start"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-typing[1].c:
	case <-time.After(backgroundtest.Patience):
		t.Fatal("node B never heard node A's broadcast")
	}
	// A's own broadcast was not handed back to A; had it been, it would
	// have arrived before B's next one, which A must hear.
	if err := nodes[1].Broadcast(ctx, "typing", "1,2,4,stop"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-typing[0].c:
	case <-time.After(backgroundtest.Patience):
		t.Fatal("node A never heard node B's broadcast")
	}
	for i, want := range [][]string{{"1,2,4,stop"}, {"1,2,3,start"}} {
		typing[i].mu.Lock()
		if !slices.Equal(typing[i].got, want) {
			t.Errorf("node %d heard %v, want %v", i, typing[i].got, want)
		}
		typing[i].mu.Unlock()
		other[i].mu.Lock()
		if len(other[i].got) != 0 {
			t.Errorf("node %d's other topic heard %v", i, other[i].got)
		}
		other[i].mu.Unlock()
	}
}

// A node's notifier keeps one connection for its NOTIFYs, which the
// server may end between two commits (a restart, a failover, an idle
// timeout, a proxy's reset). The next commit's news must still reach the
// other nodes: it used to be dropped with the dead connection, and a
// consumer whose lease another node held waited for the commit after.
func TestNewsSurvivesTheNotifiersLostConnection(t *testing.T) {
	ctx := context.Background()
	cfg := dbtest.PostgresConfig(t)
	g := background.NewGroup(nil)
	var nodes [2]*db.DB
	for i := range nodes {
		d, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		nodes[i] = d
	}
	b := listenTo(nodes[1])
	backgroundtest.Run(t, g, nodes[1].Listener(g))
	backgroundtest.WaitIdle(t, g)
	var ws int64
	if err := nodes[0].Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
	}); err != nil {
		t.Fatal(err)
	}
	first := commit(t, nodes[0], ws)
	b.waitFor(t, "node A's first commit", func(events, _ []int64) bool { return slices.Contains(events, first) })

	// The server ends node A's notifier's connection (waiting until its
	// backend is gone). Only this test's database's: other packages'
	// tests share the server, and their nodes notify too.
	raw := dbtest.Raw(t, cfg)
	var ended int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'SELECT pg_notify(%'
			AND pid <> pg_backend_pid() AND pg_terminate_backend(pid, 60000)`).Scan(&ended); err != nil {
		t.Fatal(err)
	}
	if ended != 1 {
		t.Fatalf("ended %d notifier connections, want node A's one", ended)
	}
	second := commit(t, nodes[0], ws, 7000)
	b.waitFor(t, "node A's commit after its notifier's connection ended", func(events, due []int64) bool {
		return slices.Contains(events, second) && slices.Contains(due, 7000)
	})
}

// An erasure rewrites events already in the log (Tx.RewroteEvents), and
// every node keeps the events it read last in memory: the other nodes
// must count the rewrite before the news of the commit's events wakes
// their readers, or they would hand out the copies it erased. A node that
// starts listening counts one too, since it may have missed an erasure.
func TestRewriteHeardAcrossNodes(t *testing.T) {
	ctx := context.Background()
	g := background.NewGroup(nil)
	nodes, heards := listeningNodes(t, dbtest.PostgresConfig(t), g)
	for i, d := range nodes {
		if got := d.EventRewrites(); got != 1 {
			t.Fatalf("node %d counts %d rewrites once listening, want 1", i, got)
		}
	}
	var ws int64
	if err := nodes[0].Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
	}); err != nil {
		t.Fatal(err)
	}
	// What node B's readers find when the news of a commit wakes them: the
	// count of rewrites as it stands then.
	seen := make(chan int64, 16)
	nodes[1].OnEvents(func(int64) { seen <- nodes[1].EventRewrites() })
	plain := commit(t, nodes[0], ws)
	heards[1].waitFor(t, "a plain commit", func(events, _ []int64) bool { return slices.Contains(events, plain) })
	if got := <-seen; got != 1 {
		t.Fatalf("a commit that rewrote nothing moved node B's count to %d", got)
	}
	var erased int64
	if err := nodes[0].Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE events SET payload = '{"erased":true}' WHERE id = ?`, plain); err != nil {
			return err
		}
		tx.RewroteEvents()
		if err := tx.EventAppended(ctx); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO events (workspace_id, type, seq, payload, created_at) VALUES (?, 'contact.deleted', 0, '{}', 0) RETURNING id`, ws).Scan(&erased); err != nil {
			return err
		}
		tx.NoteEvent(erased)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := nodes[0].EventRewrites(); got != 2 {
		t.Fatalf("node A counts %d rewrites after its erasure, want 2", got)
	}
	heards[1].waitFor(t, "the erasure", func(events, _ []int64) bool { return slices.Contains(events, erased) })
	if got := <-seen; got != 2 {
		t.Fatalf("node B's readers were woken by the erasure's events with %d rewrites counted, want 2", got)
	}
}
