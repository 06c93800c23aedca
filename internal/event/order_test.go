package event_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A consumer that reads "after the last id it saw" while many transactions
// append at once must see every event: ids become visible in id order.
// On PostgreSQL ids are taken at insert but visible at commit, so without
// the event-log lock a transaction that took id 10 and commits after the
// one that took id 11 would be skipped by a reader already past 11.
func TestTailingReaderMissesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var ws int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO workspaces (name, created_at) VALUES ('w', 0) RETURNING id`).Scan(&ws)
		}); err != nil {
			t.Fatal(err)
		}
		const writers, each = 8, 25
		seen := map[int64]bool{}
		stop := make(chan struct{})
		tailed := make(chan error, 1)
		go func() { // the consumer
			var after int64
			for {
				// Look at stop before reading: once every writer has
				// committed, one more read that comes back empty proves
				// the reader is caught up (checked after the read, an
				// empty page could predate the last commit).
				var writersDone bool
				select {
				case <-stop:
					writersDone = true
				default:
				}
				list, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws, After: after, Limit: 1000})
				if err != nil {
					tailed <- err
					return
				}
				for _, e := range list {
					seen[e.ID] = true
					after = e.ID
				}
				if writersDone && len(list) == 0 {
					tailed <- nil
					return
				}
			}
		}()
		var wg sync.WaitGroup
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					err := d.Write(ctx, func(tx *db.Tx) error {
						if _, err := event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ContactUpdated}); err != nil {
							return err
						}
						// Hold the transaction open after taking the id, so
						// commits would come out of id order if they could.
						time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond)
						return nil
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		if err := <-tailed; err != nil {
			t.Fatal(err)
		}
		all, err := event.List(ctx, d.Reader(), event.Filter{WorkspaceID: ws, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != writers*each {
			t.Fatalf("events = %d, want %d", len(all), writers*each)
		}
		for _, e := range all {
			if !seen[e.ID] {
				t.Fatalf("the tailing reader skipped event %d (of %d seen)", e.ID, len(seen))
			}
		}
	})
}
