package routing

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fixture is a workspace on a real store with a routing service whose
// engines run, a conversation service, and a hub woken by commits, on a
// fake clock the test moves.
type fixture struct {
	t     *testing.T
	d     *db.DB
	clock *clock.Fake
	group *background.Group
	hub   *event.Hub
	svc   *Service
	conv  *conversation.Service
	ws    *workspace.Service
	wsID  int64
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, d: d, ws: workspace.New(d), clock: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	d.SetClock(f.clock)
	w, err := f.ws.Create(context.Background(), "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	f.wsID = w.ID
	f.start(d)
	return f
}

// start builds the services on d and starts the routing engines.
func (f *fixture) start(d *db.DB) {
	f.d = d
	d.SetClock(f.clock)
	f.hub = event.NewHub()
	d.OnEvents(f.hub.Notify)
	f.conv = conversation.New(d)
	f.group = background.NewGroup(f.clock)
	f.svc = New(d, Options{Hub: f.hub, Group: f.group})
	f.conv.OnSlotFreed(f.svc.RefillTx) // as the app wires them
	f.group.StartAll()
	f.svc.Start(context.Background())
	f.t.Cleanup(f.stop)
}

// idle waits until the routing engines have done all they will.
func (f *fixture) idle() { backgroundtest.WaitIdle(f.t, f.group) }

// stop closes the routing engines (the store is the caller's).
func (f *fixture) stop() {
	f.svc.Close()
}

// agents creates n users in a new team, each with capacity (nil: the
// workspace default) and one live device.
func (f *fixture) agents(n int, capacity *int, team string) (teamID int64, ids []int64) {
	f.t.Helper()
	ctx := context.Background()
	for i := range n {
		u, err := f.ws.CreateUser(ctx, f.wsID, workspace.NewUser{Email: fmt.Sprintf("%s%d@acme.test", team, i), Name: fmt.Sprintf("%s %d", team, i)})
		if err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, u.ID)
		if capacity != nil {
			if err := f.svc.SetCapacity(ctx, f.wsID, u.ID, capacity); err != nil {
				f.t.Fatal(err)
			}
		}
		if _, err := f.svc.Heartbeat(ctx, f.wsID, u.ID, "laptop"); err != nil {
			f.t.Fatal(err)
		}
	}
	tm, err := f.ws.CreateTeam(ctx, f.wsID, workspace.TeamInput{Name: team, MemberIDs: ids})
	if err != nil {
		f.t.Fatal(err)
	}
	return tm.ID, ids
}

// foreignTeam creates another workspace with one user in one team, and
// returns the team: what a request may not name.
func (f *fixture) foreignTeam() int64 {
	f.t.Helper()
	ctx := context.Background()
	other, err := f.ws.Create(ctx, "Other", "UTC")
	if err != nil {
		f.t.Fatal(err)
	}
	u, err := f.ws.CreateUser(ctx, other.ID, workspace.NewUser{Email: "o@other.test", Name: "O"})
	if err != nil {
		f.t.Fatal(err)
	}
	tm, err := f.ws.CreateTeam(ctx, other.ID, workspace.TeamInput{Name: "theirs", MemberIDs: []int64{u.ID}})
	if err != nil {
		f.t.Fatal(err)
	}
	return tm.ID
}

// conversations inserts n open, unassigned conversations (one contact
// each) in one transaction: the fixture, not the code under test.
func (f *fixture) conversations(n int) []int64 {
	f.t.Helper()
	ctx := context.Background()
	ids := make([]int64, 0, n)
	now := f.d.Now()
	err := f.d.Write(ctx, func(tx *db.Tx) error {
		for i := range n {
			var contact, id int64
			if err := tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
				f.wsID, fmt.Sprintf("c%d", i), now, now).Scan(&contact); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO conversations (workspace_id, contact_id, status, opened_source, opened_at) VALUES (?, ?, 'open', 'api', ?) RETURNING id`,
				f.wsID, contact, now).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

func (f *fixture) assign(req Request) Result {
	f.t.Helper()
	req.WorkspaceID = f.wsID
	res, err := f.svc.Assign(context.Background(), req)
	if err != nil {
		f.t.Fatalf("assign %d: %v", req.ConversationID, err)
	}
	return res
}

// openCounts returns each user's open assigned conversations.
func (f *fixture) openCounts() map[int64]int {
	f.t.Helper()
	rows, err := f.d.Reader().Query(context.Background(), `SELECT assignee_id, COUNT(*) FROM conversations
		WHERE workspace_id = ? AND status <> 'closed' AND assignee_id IS NOT NULL GROUP BY assignee_id`, f.wsID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var u int64
		var n int
		if err := rows.Scan(&u, &n); err != nil {
			f.t.Fatal(err)
		}
		out[u] = n
	}
	return out
}

func (f *fixture) assignee(conversationID int64) int64 {
	f.t.Helper()
	var a int64
	if err := f.d.Reader().QueryRow(context.Background(), `SELECT COALESCE(assignee_id, 0) FROM conversations WHERE id = ?`, conversationID).Scan(&a); err != nil {
		f.t.Fatal(err)
	}
	return a
}

// queueOrder returns the conversations waiting in a team's queue, head
// first, straight from the table.
func (f *fixture) queueOrder(teamID int64) []int64 {
	f.t.Helper()
	rows, err := f.d.Reader().Query(context.Background(), `SELECT conversation_id FROM routing_queue
		WHERE workspace_id = ? AND team_id = ? AND user_id = 0 ORDER BY priority DESC, id`, f.wsID, teamID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// events returns the workspace's events of the types after a cursor.
func (f *fixture) events(after int64, types ...event.Type) []event.Event {
	f.t.Helper()
	var out []event.Event
	for {
		page, err := event.List(context.Background(), f.d.Reader(), event.Filter{WorkspaceID: f.wsID, After: after, Types: types, Limit: 1000})
		if err != nil {
			f.t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < 1000 {
			return out
		}
		after = page[len(page)-1].ID
	}
}

// waitFor lets the routing engines do all they will and returns the first
// event after the cursor that satisfies ok, failing the test if there is
// none: whatever routing does in answer to what came before, it has done
// by the time it is idle.
func (f *fixture) waitFor(after int64, what string, ok func(event.Event) bool, types ...event.Type) event.Event {
	f.t.Helper()
	f.idle()
	for _, e := range f.events(after, types...) {
		if ok(e) {
			return e
		}
	}
	f.t.Fatalf("the routing engines went idle before %s", what)
	return event.Event{}
}

func intp(v int) *int { return &v }

// watchCapacity reads the committed open counts after every commit (woken
// by the hub) until the returned check is called, which stops the watch and
// fails the test unless it read at least once and never saw an agent above
// capacity.
func (f *fixture) watchCapacity(capacity int) (check func()) {
	f.t.Helper()
	stop := make(chan struct{})
	var observed, over atomic.Int64
	var observer sync.WaitGroup
	observer.Add(1)
	wake, unsubscribe := f.hub.Subscribe()
	go func() {
		defer observer.Done()
		for {
			select {
			case <-stop:
				return
			case <-wake:
			}
			for _, n := range f.openCounts() {
				if n > capacity {
					over.Add(1)
				}
			}
			observed.Add(1)
		}
	}()
	return func() {
		f.t.Helper()
		close(stop)
		observer.Wait()
		unsubscribe()
		if observed.Load() == 0 || over.Load() != 0 {
			f.t.Fatalf("observer: %d reads, %d saw an agent above %d", observed.Load(), over.Load(), capacity)
		}
	}
}
