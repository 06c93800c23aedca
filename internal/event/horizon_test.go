package event_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// On PostgreSQL writes no longer queue on one lock, so a transaction that
// took event id a may commit after one that took b > a. Forced here
// without any timing: A appends and waits; B appends, commits; only then
// does A commit. While A is open no reader may go past a-1 — not the API
// list, not a consumer, not the tail — and once it commits both are read,
// in order.
func TestHorizonHoldsReadersBelowAnOpenAppender(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite's single writer cannot commit B while A is open")
	}
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	ws := newWorkspace(t, d)

	r := startLogReaders(t, d, "horizon")

	held := holdAppend(t, d, ws)
	a := held.id
	b := appendCommitted(t, d, ws)
	if b <= a {
		t.Fatalf("B took id %d after A's %d", b, a)
	}
	// B is committed and visible to a plain read...
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE id = ?`, b); n != 1 {
		t.Fatalf("B's event visible %d times", n)
	}
	// ...but above the horizon, so no reader of the log returns it yet.
	if h, err := d.EventHorizon(ctx); err != nil || h >= a {
		t.Fatalf("horizon = %d (%v) with id %d still open", h, err, a)
	}
	list, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws})
	if err != nil || len(list) != 0 {
		t.Fatalf("list while A is open = %v (%v), want nothing", ids(list), err)
	}
	all, err := event.ListAll(ctx, d.Reader(), 0, 100)
	if err != nil || len(all) != 0 {
		t.Fatalf("list all while A is open = %v (%v), want nothing", ids(all), err)
	}
	if err := held.end(nil); err != nil {
		t.Fatal(err)
	}
	list, err = event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws})
	if err != nil || fmt.Sprint(ids(list)) != fmt.Sprint([]int64{a, b}) {
		t.Fatalf("list after A committed = %v (%v), want [%d %d]", ids(list), err, a, b)
	}
	var tailed []int64
	for len(tailed) < 2 {
		batch := <-r.sub.C
		tailed = append(tailed, ids(batch)...)
	}
	if fmt.Sprint(tailed) != fmt.Sprint([]int64{a, b}) {
		t.Fatalf("tail handed out %v, want [%d %d]", tailed, a, b)
	}
	if handled := r.waitHandled(2); fmt.Sprint(handled) != fmt.Sprint([]int64{a, b}) {
		t.Fatalf("consumer handled %v, want [%d %d]", handled, a, b)
	}
}

// logReaders are a tail subscription and a consumer on one store, both
// running until the test ends, and what the consumer handled.
type logReaders struct {
	sub         *event.Subscription
	mu          sync.Mutex
	handled     []int64
	handledSome chan struct{}
}

// startLogReaders starts a tail and a consumer named name on d, woken by
// its commits and on its clock.
func startLogReaders(t *testing.T, d *db.DB, name string) *logReaders {
	t.Helper()
	ctx := context.Background()
	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	g := background.NewGroup(d.Clock())
	tail, err := event.NewTail(ctx, d, hub, g)
	if err != nil {
		t.Fatal(err)
	}
	r := &logReaders{sub: tail.Subscribe(func(event.Event) bool { return true }), handledSome: make(chan struct{}, 1)}
	c := event.NewConsumer(d, hub, g, event.ConsumerConfig{Name: name, Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, e := range events {
			r.handled = append(r.handled, e.ID)
		}
		select {
		case r.handledSome <- struct{}{}:
		default:
		}
		return nil
	}})
	// The cursor row exists already, so the consumer does not Write to
	// create it: a Write waits for a writer the test holds open with a
	// shared lock, and PostgreSQL queues the test's next shared request
	// behind that waiting exclusive one, while the held writer waits for
	// the next — a cycle of the test's making (no real write waits for
	// another to commit).
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO event_consumers (name, last_id, updated_at) VALUES (?, 0, 0)`, name)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	g.StartAll()
	go tail.Run(runCtx)
	go c.Run(runCtx)
	return r
}

// waitHandled waits until the consumer handled at least n events and
// returns them.
func (r *logReaders) waitHandled(n int) []int64 {
	for {
		r.mu.Lock()
		if len(r.handled) >= n {
			defer r.mu.Unlock()
			return slices.Clone(r.handled)
		}
		r.mu.Unlock()
		<-r.handledSome
	}
}

// handledNow returns what the consumer handled so far.
func (r *logReaders) handledNow() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.handled)
}

// Many writers on two nodes append to many conversations of many
// workspaces at once, each transaction running a random number of extra
// statements before it commits (so commits come out of id order), some
// rolling back after taking their ids, some exclusive (Write) among the
// concurrent ones. A consumer of one name runs on both nodes: every
// committed event must be handled exactly once, in id order, and the
// events of each conversation in seq order; no rolled-back one ever.
func TestConsumersOnTwoNodesMissNothingUnderConcurrentAppends(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			ctx := context.Background()
			open := func() *db.DB {
				d, err := db.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				return d
			}
			nodes := []*db.DB{open()}
			if dialect == db.Postgres {
				nodes = append(nodes, open()) // SQLite has one node per file
			}
			d := nodes[0]
			id := "INTEGER PRIMARY KEY AUTOINCREMENT"
			if dialect == db.Postgres {
				id = "BIGSERIAL PRIMARY KEY"
			}
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `CREATE TABLE horizon_handled (n `+id+`, event_id BIGINT NOT NULL, conversation_id BIGINT NOT NULL, seq BIGINT NOT NULL)`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			const workspaces, convsPer = 4, 3
			type conv struct{ ws, id int64 }
			var convs []conv
			for range workspaces {
				ws := newWorkspace(t, d)
				for range convsPer {
					convs = append(convs, conv{ws, newConversation(t, d, ws)})
				}
			}

			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			var hubs []*event.Hub
			for _, n := range nodes {
				hub := event.NewHub()
				n.OnEvents(hub.Notify)
				g := background.NewGroup(n.Clock())
				if l := n.Listener(g); l != nil {
					go l(runCtx)
				}
				c := event.NewConsumer(n, hub, g, event.ConsumerConfig{Name: "every", Batch: 7, FromStart: true,
					Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
						for _, e := range events {
							if _, err := tx.Exec(ctx, `INSERT INTO horizon_handled (event_id, conversation_id, seq) VALUES (?, ?, ?)`,
								e.ID, e.ConversationID, e.Seq); err != nil {
								return err
							}
						}
						return nil
					}})
				g.StartAll()
				go c.Run(runCtx)
				hubs = append(hubs, hub)
			}

			const writers, txns = 6, 25
			errRollback := errors.New("rolled back on purpose")
			var wg sync.WaitGroup
			for w := range writers * len(nodes) {
				n := nodes[w%len(nodes)]
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				wg.Go(func() {
					for range txns {
						cv := convs[rng.IntN(len(convs))]
						write := n.WriteConcurrent
						if rng.IntN(5) == 0 {
							write = n.Write
						}
						rollback := rng.IntN(8) == 0
						events, extra := 1+rng.IntN(3), rng.IntN(6)
						err := write(ctx, func(tx *db.Tx) error {
							for range events {
								if _, err := event.Append(ctx, tx, event.New{WorkspaceID: cv.ws, Type: event.MessageReceived, ConversationID: cv.id}); err != nil {
									return err
								}
							}
							for range extra { // hold the transaction open a little, by work
								if _, err := tx.Exec(ctx, `UPDATE workspaces SET name = name WHERE id = ?`, cv.ws); err != nil {
									return err
								}
							}
							if rollback {
								return errRollback
							}
							return nil
						})
						if err != nil && !errors.Is(err, errRollback) {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			total := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`)
			var newest int64
			if err := d.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&newest); err != nil {
				t.Fatal(err)
			}
			// Wait for the consumer to pass the newest event: each round
			// commits an event of its own, which wakes every node (the other
			// through its listener), and waits for this node's wake-up.
			woke, unsub := hubs[0].Subscribe()
			defer unsub()
			for caughtUp(t, d) < newest {
				if err := d.Write(ctx, func(tx *db.Tx) error {
					_, err := event.Append(ctx, tx, event.New{WorkspaceID: convs[0].ws, Type: event.UserPresenceUpdated})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				<-woke
			}
			stop()

			if dup := dbtest.Count(t, d, `SELECT COUNT(*) FROM (SELECT event_id FROM horizon_handled GROUP BY event_id HAVING COUNT(*) > 1) x`); dup != 0 {
				t.Fatalf("%d events handled more than once", dup)
			}
			if missed := dbtest.Count(t, d, `SELECT COUNT(*) FROM events e WHERE e.id <= ? AND NOT EXISTS (SELECT 1 FROM horizon_handled h WHERE h.event_id = e.id)`, newest); missed != 0 {
				t.Fatalf("%d of %d committed events never handled", missed, total)
			}
			if ghosts := dbtest.Count(t, d, `SELECT COUNT(*) FROM horizon_handled h WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = h.event_id)`); ghosts != 0 {
				t.Fatalf("%d handled events do not exist (rolled back?)", ghosts)
			}
			rows, err := d.Reader().Query(ctx, `SELECT event_id, conversation_id, seq FROM horizon_handled ORDER BY n`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var last int64
			lastSeq := map[int64]int64{}
			for rows.Next() {
				var id, cv, seq int64
				if err := rows.Scan(&id, &cv, &seq); err != nil {
					t.Fatal(err)
				}
				if id <= last {
					t.Fatalf("event %d handled after %d", id, last)
				}
				if cv != 0 && seq <= lastSeq[cv] {
					t.Fatalf("conversation %d: seq %d handled after %d", cv, seq, lastSeq[cv])
				}
				last, lastSeq[cv] = id, seq
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if total < writers*len(nodes)*txns/2 {
				t.Fatalf("only %d events committed", total)
			}
		})
	}
}

// appendNow appends an event and inserts it at once (a concurrent write
// defers it otherwise), returning its id.
func appendNow(ctx context.Context, tx *db.Tx, ws int64) (int64, error) {
	if _, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ContactUpdated}); err != nil {
		return 0, err
	}
	if err := tx.FlushEvents(ctx); err != nil {
		return 0, err
	}
	ids := tx.AppendedEvents()
	return ids[len(ids)-1], nil
}

// fakeClockPostgres opens a fresh PostgreSQL store whose clock is fake
// and never moves unless the test moves it, so a reader's retry
// (blockedRetry) fires only when the test says. Without PostgreSQL it
// skips the test, saying why SQLite has nothing to test.
func fakeClockPostgres(t *testing.T, sqliteHasNone string) (*db.DB, *clock.Fake) {
	t.Helper()
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: " + sqliteHasNone)
	}
	fake := clock.NewFake(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	cfg := dbtest.Config(t, db.Postgres)
	cfg.Clock = fake
	return dbtest.OpenConfig(t, cfg), fake
}

// appendCommitted commits one event to ws in a concurrent write and
// returns its id.
func appendCommitted(t *testing.T, d *db.DB, ws int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
		var err error
		id, err = appendNow(ctx, tx, ws)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// openAppend is a concurrent write that has appended an event and stays
// open (see holdAppend).
type openAppend struct {
	id      int64 // the event's id, taken but not committed
	release func(err error)
	outcome chan error
}

// end lets the write finish: its fn returns err (nil: it commits, else it
// rolls back), and end returns what the write returned.
func (a *openAppend) end(err error) error {
	a.release(err)
	return <-a.outcome
}

// errTestEnded ends a write the test left open.
var errTestEnded = errors.New("the test ended")

// holdAppend starts a concurrent write that appends one event to ws and
// stays open, its id taken, until end is called. A test that fails first
// leaves it to roll back as the test ends, before the store's Close, which
// would otherwise wait for it.
func holdAppend(t *testing.T, d *db.DB, ws int64) *openAppend {
	t.Helper()
	ctx := context.Background()
	took := make(chan int64, 1)
	ended := make(chan struct{})
	var endErr error
	var once sync.Once
	a := &openAppend{outcome: make(chan error, 1)}
	a.release = func(err error) { once.Do(func() { endErr = err; close(ended) }) }
	t.Cleanup(func() { a.release(errTestEnded) })
	go func() {
		a.outcome <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			id, err := appendNow(ctx, tx, ws)
			if err != nil {
				return err
			}
			select {
			case took <- id:
			default: // a second run of fn (retry): already told
			}
			<-ended
			return endErr
		})
	}()
	select {
	case a.id = <-took:
	case err := <-a.outcome:
		t.Fatalf("the held write ended before appending: %v", err)
	}
	return a
}

// caughtUp is where the shared consumer's stored cursor is.
func caughtUp(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var id int64
	err := d.Reader().QueryRow(context.Background(), `SELECT last_id FROM event_consumers WHERE name = 'every'`).Scan(&id)
	if err != nil {
		return 0
	}
	return id
}

func newWorkspace(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var ws int64
	if err := d.Write(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
	}); err != nil {
		t.Fatal(err)
	}
	return ws
}

func newConversation(t *testing.T, d *db.DB, ws int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := d.Write(ctx, func(tx *db.Tx) error {
		var contact int64
		if err := tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'c', 0, 0) RETURNING id`, ws).Scan(&contact); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at) VALUES (?, ?, 'open', 'api', 0) RETURNING id`,
			ws, contact).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func ids(list []event.Event) []int64 {
	out := make([]int64, len(list))
	for i, e := range list {
		out[i] = e.ID
	}
	return out
}

// In a concurrent write the events are inserted together, later (see
// db.Tx.AppendLater): a savepoint rolled back still drops exactly its own,
// and the ids still follow the order of appending.
func TestConcurrentWriteDefersEventsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, d)
		conv := newConversation(t, d, ws)
		appendOne := func(tx *db.Tx, name string) error {
			_, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.CommentCreated, ConversationID: conv, Payload: map[string]string{"n": name}})
			return err
		}
		failed := errors.New("undone")
		deferred := false
		var noted []int64 // the ids the transaction says it appended
		if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			deferred = tx.DefersEvents()
			if err := appendOne(tx, "a"); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, func(tx *db.Tx) error {
				if err := appendOne(tx, "b"); err != nil {
					return err
				}
				return failed
			}); !errors.Is(err, failed) {
				return fmt.Errorf("savepoint: %v", err)
			}
			if err := tx.Savepoint(ctx, func(tx *db.Tx) error { return appendOne(tx, "c") }); err != nil {
				return err
			}
			if err := appendOne(tx, "d"); err != nil {
				return err
			}
			var err error
			noted, err = flushedEvents(ctx, tx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !deferred {
			t.Fatal("a concurrent write does not defer its events")
		}
		list, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws, ConversationID: conv})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, e := range list {
			got = append(got, fmt.Sprintf("%s:%d", e.Payload, e.Seq))
			if i > 0 && e.ID <= list[i-1].ID {
				t.Fatalf("ids out of order: %v", ids(list))
			}
		}
		// b took seq 2 from the row in its savepoint, undone with it.
		want := []string{`{"n":"a"}:1`, `{"n":"c"}:2`, `{"n":"d"}:3`}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("events = %v, want %v", got, want)
		}
		// The ids noted for the consumers' wake-up and the horizon are
		// the stored rows' (on SQLite they are worked out, not returned).
		if fmt.Sprint(noted) != fmt.Sprint(ids(list)) {
			t.Fatalf("the transaction noted events %v, the log holds %v", noted, ids(list))
		}
	})
}

// The ids a concurrent write notes for its deferred events, inserted with
// one statement, are the stored rows', in order, whatever their number
// (on SQLite they are worked out from the last one, not returned).
func TestDeferredEventsNoteTheirStoredIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, d)
		conv := newConversation(t, d, ws)
		var after int64
		for _, n := range []int{1, 3, 7} {
			var noted []int64
			if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
				for i := range n {
					if _, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.CommentCreated, ConversationID: conv, Payload: map[string]int{"i": i}}); err != nil {
						return err
					}
				}
				var err error
				noted, err = flushedEvents(ctx, tx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			list, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws, ConversationID: conv, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != n || fmt.Sprint(noted) != fmt.Sprint(ids(list)) {
				t.Fatalf("%d events: the transaction noted %v, the log holds %v", n, noted, ids(list))
			}
			for i, e := range list {
				if want := fmt.Sprintf(`{"i":%d}`, i); string(e.Payload) != want {
					t.Fatalf("event %d holds %s, want %s: ids out of the order of appending", e.ID, e.Payload, want)
				}
			}
			after = list[len(list)-1].ID
		}
	})
}

// flushedEvents inserts tx's deferred events and returns the ids tx noted
// for every event it appended.
func flushedEvents(ctx context.Context, tx *db.Tx) ([]int64, error) {
	if err := tx.FlushEvents(ctx); err != nil {
		return nil, err
	}
	return tx.AppendedEvents(), nil
}
