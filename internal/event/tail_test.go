package event_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// tailFixture is a store, a hub told of its commits and a running tail.
type tailFixture struct {
	d    *db.DB
	g    *background.Group
	tail *event.Tail
	ws   []int64
}

func newTailFixture(t *testing.T, d *db.DB, workspaces int) *tailFixture {
	t.Helper()
	ctx := context.Background()
	f := &tailFixture{d: d, g: background.NewGroup(d.Clock())}
	for range workspaces {
		var id int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		f.ws = append(f.ws, id)
	}
	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	var err error
	if f.tail, err = event.NewTail(ctx, d, hub, f.g); err != nil {
		t.Fatal(err)
	}
	backgroundtest.Run(t, f.g, f.tail.Run)
	return f
}

// appendEach commits one transaction that appends an event of each type
// to each workspace.
func (f *tailFixture) appendEach(t *testing.T, types ...event.Type) {
	t.Helper()
	ctx := context.Background()
	if err := f.d.Write(ctx, func(tx *db.Tx) error {
		for _, ws := range f.ws {
			for _, typ := range types {
				if _, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: typ}); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// Two thousand live streams cost one read of the log per commit, not one
// each, and each receives exactly its workspace's events of its types, in
// order. (Each open stream used to run its own query on every wake-up.)
func TestTailReadsOnceForEveryStream(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTailFixture(t, d, 4)
		const streams = 2000
		subs := make([]*event.Subscription, streams)
		filters := make([]event.Filter, streams)
		for i := range subs {
			filters[i] = event.Filter{WorkspaceID: f.ws[i%len(f.ws)]}
			if i%2 == 1 {
				filters[i].Types = []event.Type{event.ContactUpdated}
			}
			subs[i] = f.tail.Subscribe(filters[i].Matches)
			defer subs[i].Close()
		}
		const commits = 10
		before := f.tail.Reads()
		for range commits {
			f.appendEach(t, event.ContactCreated, event.ContactUpdated)
			backgroundtest.WaitIdle(t, f.g)
		}
		if reads := f.tail.Reads() - before; reads > commits {
			t.Fatalf("%d reads of the log for %d commits and %d streams, want at most one per commit", reads, commits, streams)
		}
		for i, s := range subs {
			var got []event.Event
			for len(s.C) > 0 {
				got = append(got, <-s.C...)
			}
			want := 2 * commits
			if len(filters[i].Types) > 0 {
				want = commits
			}
			if len(got) != want {
				t.Fatalf("stream %d got %d events, want %d", i, len(got), want)
			}
			for j, e := range got {
				if !filters[i].Matches(e) || (j > 0 && e.ID <= got[j-1].ID) {
					t.Fatalf("stream %d got %s of workspace %d at %d, out of its filter or its order", i, e.Type, e.WorkspaceID, j)
				}
			}
		}
	})
}

// A stream that does not keep up is told it lagged instead of holding the
// tail back; reading the log after its cursor then gives it everything.
func TestTailTellsASlowStreamItLagged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTailFixture(t, d, 1)
		slow := f.tail.Subscribe(func(event.Event) bool { return true })
		defer slow.Close()
		fast := f.tail.Subscribe(func(event.Event) bool { return true })
		defer fast.Close()
		var fastGot int
		const commits = 100 // more batches than a subscriber's buffer
		for range commits {
			f.appendEach(t, event.ContactCreated)
			backgroundtest.WaitIdle(t, f.g)
			for len(fast.C) > 0 {
				fastGot += len(<-fast.C)
			}
		}
		if fastGot != commits {
			t.Fatalf("the stream that kept up got %d events, want %d", fastGot, commits)
		}
		select {
		case <-slow.Lagged():
		default:
			t.Fatal("the slow stream was never told it lagged")
		}
		all, err := event.List(context.Background(), d.Reader(), event.Filter{WorkspaceID: f.ws[0], Limit: 1000})
		if err != nil || len(all) != commits {
			t.Fatal(fmt.Sprint("the log holds ", len(all), " events: ", err))
		}
	})
}

// A node serving no live stream does not read the log for the tail; a
// stream that subscribes afterwards still gets every event committed
// after it subscribed, and nothing from before.
func TestTailWithoutStreamsReadsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newTailFixture(t, d, 1)
		backgroundtest.WaitIdle(t, f.g)
		before := f.tail.Reads()
		for range 5 {
			f.appendEach(t, event.ContactCreated)
			backgroundtest.WaitIdle(t, f.g)
		}
		if reads := f.tail.Reads() - before; reads != 0 {
			t.Fatalf("the tail read the log %d times with no stream, want none", reads)
		}
		var newest int64
		if err := d.Reader().QueryRow(context.Background(), `SELECT MAX(id) FROM events`).Scan(&newest); err != nil {
			t.Fatal(err)
		}
		s := f.tail.Subscribe(func(event.Event) bool { return true })
		defer s.Close()
		f.appendEach(t, event.ContactUpdated)
		f.appendEach(t, event.ContactUpdated)
		backgroundtest.WaitIdle(t, f.g)
		var got []event.Event
		for len(s.C) > 0 {
			got = append(got, <-s.C...)
		}
		if len(got) != 2 || got[0].ID <= newest || got[0].Type != event.ContactUpdated || got[1].ID <= got[0].ID {
			t.Fatalf("the stream got %v, want the 2 events after %d", ids(got), newest)
		}
	})
}
