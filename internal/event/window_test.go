package event_test

import (
	"context"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// The consumers a commit wakes share one read of its events: however many
// consumers, each commit costs the node one read of the log, and each
// consumer still gets exactly the events of its types, in order, in
// batches of its size — a commit of more than a read's page too. A
// consumer that starts behind what the others share (from the log's
// start) reads the log itself until it has caught up, and misses nothing.
func TestConsumersShareOneReadOfEachCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		n := newNode(d, newClock())
		ws := setup(t, d)
		early := appendEvents(t, d, ws, event.ContactCreated, event.MessageReceived)
		kinds := []struct {
			name  string
			types []event.Type
			batch int
		}{
			{"contacts", []event.Type{event.ContactCreated}, 0},
			{"messages", []event.Type{event.MessageReceived}, 7},
			{"both", []event.Type{event.ContactCreated, event.MessageReceived}, 100},
			{"all", nil, 0},
		}
		recs := make([]*recorder, len(kinds))
		for i, k := range kinds {
			recs[i] = &recorder{}
			c := n.consumer(t, k.name, recs[i], event.ConsumerConfig{Types: k.types, Batch: k.batch})
			backgroundtest.Run(t, n.g, c.Run)
		}
		backgroundtest.WaitIdle(t, n.g)
		late := &recorder{}
		var appended []event.Event
		commits := [][]event.Type{
			{event.ContactCreated, event.MessageReceived, event.ContactTagUpdated},
			{event.MessageReceived},
			repeat(event.ContactCreated, 1500), // more than one page of the window
			{event.ContactTagUpdated, event.MessageReceived},
		}
		for i, types := range commits {
			before := n.hub.WindowReads(d)
			ids := appendEvents(t, d, ws, types...)
			for j, id := range ids {
				appended = append(appended, event.Event{ID: id, Type: types[j]})
			}
			backgroundtest.WaitIdle(t, n.g)
			reads, want := n.hub.WindowReads(d)-before, int64(1+len(types)/1024)
			if reads != want {
				t.Fatalf("commit %d of %d events: %d reads of the log by %d consumers, want %d", i, len(types), reads, len(kinds), want)
			}
			if i == 1 {
				// Behind the window from the start: reads the log itself.
				c := n.consumer(t, "late", late, event.ConsumerConfig{FromStart: true, Types: []event.Type{event.MessageReceived}})
				backgroundtest.Run(t, n.g, c.Run)
				backgroundtest.WaitIdle(t, n.g)
			}
		}
		for i, k := range kinds {
			var want []int64
			for _, e := range appended {
				if len(k.types) == 0 || slices.Contains(k.types, e.Type) {
					want = append(want, e.ID)
				}
			}
			if got := recs[i].ids(); !slices.Equal(got, want) {
				t.Fatalf("%s handled %d events %v…, want %d %v…", k.name, len(got), head(got), len(want), head(want))
			}
		}
		want := []int64{early[1]}
		for _, e := range appended {
			if e.Type == event.MessageReceived {
				want = append(want, e.ID)
			}
		}
		if got := late.ids(); !slices.Equal(got, want) {
			t.Fatalf("the consumer that started behind handled %v, want %v", got, want)
		}
	})
}

func head(ids []int64) []int64 { return ids[:min(len(ids), 10)] }

// The window itself: a reader behind it reads the log itself; one a
// little past it extends it rather than starting it again, so that the
// readers behind it keep theirs; a limit stops at its last event.
func TestWindowKeepsReadersBehindIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		hub := event.NewHub()
		ws := setup(t, d)
		types := make([]event.Type, 30)
		for i := range types {
			types[i] = []event.Type{event.ContactCreated, event.MessageReceived}[i%2]
		}
		ids := appendEvents(t, d, ws, types...)
		at := func(i int) int64 { return ids[i-1] } // the i-th event, from 1
		read := func(after, through int, want func(event.Event) bool, limit int) ([]int64, int64, bool) {
			t.Helper()
			list, reached, ok, err := hub.WindowRead(ctx, d, at(after), at(through), want, limit)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]int64, len(list))
			for i, e := range list {
				got[i] = e.ID
			}
			return got, reached, ok
		}
		span := func(from, through int) []int64 { return ids[from-1 : through] }
		steps := []struct {
			what           string
			after, through int
			want           func(event.Event) bool
			limit          int
			ok             bool
			got            []int64
			reached, reads int64
		}{
			{"first reader", 10, 20, nil, 100, true, span(11, 20), at(20), 1},
			{"behind the window", 5, 20, nil, 100, false, nil, 0, 1},
			{"a little past it", 25, 30, nil, 100, true, span(26, 30), at(30), 2},
			{"behind the newcomer, still inside", 20, 30, nil, 100, true, span(21, 30), at(30), 2},
			{"messages only, two at most", 10, 30, func(e event.Event) bool { return e.Type == event.MessageReceived }, 2,
				true, []int64{at(12), at(14)}, at(14), 2},
		}
		for _, s := range steps {
			got, reached, ok := read(s.after, s.through, s.want, s.limit)
			if ok != s.ok || !slices.Equal(got, s.got) || (ok && reached != s.reached) || hub.WindowReads(d) != s.reads {
				t.Fatalf("%s: ok %v, events %v, reached %d, reads %d; want %v, %v, %d, %d",
					s.what, ok, got, reached, hub.WindowReads(d), s.ok, s.got, s.reached, s.reads)
			}
		}
	})
}
