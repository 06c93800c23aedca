package conversation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two nodes on one store open and close the same contacts' conversations
// at once, the way the workflow's Open and Close Conversation steps do
// (through the concurrent write door: on PostgreSQL two write doors
// sharing the write lock), while contacts write in (also concurrent, and
// opening) and agents close through the exclusive door:
//   - at every instant the store holds one open conversation per contact
//     at most (an observer reads it throughout);
//   - an opener never fails: losing the race to another opener, it adopts
//     the other's conversation;
//   - every conversation is opened once and closed at most once (one
//     conversation.opened, at most one conversation.closed, closed rows
//     and closed events agree);
//   - no message lands in a conversation after its close.
func TestOpenCloseConcurrentOneOpenPerContact(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			var nodeA, nodeB *db.DB
			if dialect == db.SQLite {
				nodeA = dbtest.Open(t, dialect)
				nodeB = nodeA
			} else {
				cfg := dbtest.Config(t, db.Postgres)
				nodeA, nodeB = dbtest.OpenConfig(t, cfg), dbtest.OpenConfig(t, cfg)
			}
			f := newFixture(t, nodeA)
			nodeB.SetClock(f.clock)
			ctx := context.Background()
			const contacts, rounds = 4, 12
			ids := make([]int64, contacts)
			for i := range contacts {
				r, err := f.svc.Receive(ctx, []Inbound{f.inbound(fmt.Sprintf("+1415555%04d", i), fmt.Sprintf("first-%d", i), "hi")})
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = r[0].ContactID
			}

			// The observer: one open conversation per contact at most, read
			// from the store while the others run.
			done := make(chan struct{})
			var observed, broken atomic.Int64
			observer := make(chan struct{})
			go func() {
				defer close(observer)
				for {
					select {
					case <-done:
						return
					default:
					}
					var n int
					if err := nodeA.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT contact_id FROM conversations
						WHERE status <> 'closed' GROUP BY contact_id HAVING COUNT(*) > 1) x`).Scan(&n); err != nil {
						t.Errorf("observer: %v", err)
						return
					}
					observed.Add(1)
					broken.Add(int64(n))
				}
			}()

			var wg sync.WaitGroup
			var opened, closed, lostCloses atomic.Int64
			for n, d := range []*db.DB{nodeA, nodeB} {
				svc := New(d)
				for c, contactID := range ids {
					// The Open Conversation step: adopt the open one, or open.
					wg.Go(func() {
						for range rounds {
							var got Conversation
							err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
								var err error
								got, _, err = OpenOrAdoptTx(ctx, tx, f.ws.ID, OpenInput{ContactID: contactID, Source: SourceWorkflow})
								return err
							})
							if err != nil {
								t.Errorf("node %d: open for contact %d: %v", n, contactID, err)
								return
							}
							if got.ID == 0 {
								t.Errorf("node %d: open for contact %d gave no conversation", n, contactID)
							}
							opened.Add(1)
						}
					})
					// The Close Conversation step: close the run's conversation.
					wg.Go(func() {
						for range rounds {
							err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
								open, err := OpenOfTx(ctx, tx, f.ws.ID, contactID)
								if err != nil || open.ID == 0 {
									return err
								}
								_, err = CloseTx(ctx, tx, f.ws.ID, open.ID, CloseInput{Source: SourceWorkflow})
								return err
							})
							switch {
							case err == nil:
								closed.Add(1)
							case errors.Is(err, apperr.ErrConflict):
								lostCloses.Add(1) // closed by another meanwhile: the step's conflict
							default:
								t.Errorf("node %d: close for contact %d: %v", n, contactID, err)
								return
							}
						}
					})
					// The contact writing in, and an agent closing now and then.
					wg.Go(func() {
						for i := range rounds {
							in := f.inbound(fmt.Sprintf("+1415555%04d", c), fmt.Sprintf("n%d-c%d-m%d", n, c, i), "hello")
							if _, err := svc.Receive(ctx, []Inbound{in}); err != nil {
								t.Errorf("node %d: receive: %v", n, err)
								return
							}
							if i%4 != 3 {
								continue
							}
							open, err := svc.OpenOf(ctx, f.ws.ID, contactID)
							if errors.Is(err, apperr.ErrNotFound) {
								continue
							}
							if err != nil {
								t.Errorf("node %d: open of %d: %v", n, contactID, err)
								return
							}
							if _, err := svc.Close(ctx, access.System(f.ws.ID), open.ID, CloseInput{Source: SourceAPI}); err != nil && !errors.Is(err, apperr.ErrConflict) {
								t.Errorf("node %d: agent close: %v", n, err)
								return
							}
						}
					})
				}
			}
			wg.Wait()
			close(done)
			<-observer
			if observed.Load() == 0 || broken.Load() != 0 {
				t.Errorf("the observer read the store %d times and saw %d contacts with two open conversations", observed.Load(), broken.Load())
			}
			if got := dbtest.Count(t, nodeA, `SELECT COUNT(*) FROM (SELECT contact_id FROM conversations WHERE status <> 'closed'
				GROUP BY contact_id HAVING COUNT(*) > 1) x`); got != 0 {
				t.Errorf("%d contacts end with two open conversations", got)
			}
			for _, check := range []struct {
				what, query string
			}{
				{"conversations not opened exactly once", `SELECT COUNT(*) FROM conversations c WHERE (SELECT COUNT(*) FROM events e
					WHERE e.conversation_id = c.id AND e.type = 'conversation.opened') <> 1`},
				{"conversations closed twice", `SELECT COUNT(*) FROM (SELECT conversation_id FROM events WHERE type = 'conversation.closed'
					GROUP BY conversation_id HAVING COUNT(*) > 1) x`},
				{"closed conversations without one conversation.closed, or open ones with one", `SELECT COUNT(*) FROM conversations c
					WHERE (c.status = 'closed') <> EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.id AND e.type = 'conversation.closed')`},
				{"messages received after their conversation's close", `SELECT COUNT(*) FROM events m JOIN events x
					ON x.conversation_id = m.conversation_id AND x.type = 'conversation.closed'
					WHERE m.type = 'message.received' AND m.seq > x.seq`},
			} {
				if got := dbtest.Count(t, nodeA, check.query); got != 0 {
					t.Errorf("%s: %d", check.what, got)
				}
			}
			if closed.Load() == 0 || opened.Load() == 0 {
				t.Errorf("opened %d, closed %d: the race never happened", opened.Load(), closed.Load())
			}
			t.Logf("opened or adopted %d, closed %d, closes that found it closed %d, observer reads %d",
				opened.Load(), closed.Load(), lostCloses.Load(), observed.Load())
		})
	}
}
