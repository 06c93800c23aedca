package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A memo is read once per transaction, read again after Forget, and
// after a savepoint that failed: the writes it undid may have been read.
func TestMemoReadsOncePerTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		reads := 0
		read := func() (int, error) { reads++; return reads, nil }
		type key struct{}
		steps := []struct {
			name      string
			do        func(tx *db.Tx) error
			wantReads int
		}{
			{"first read", func(*db.Tx) error { return nil }, 1},
			{"second read", func(*db.Tx) error { return nil }, 1},
			{"after Forget", func(tx *db.Tx) error { tx.Forget(key{}); return nil }, 2},
			{"after a savepoint that succeeded", func(tx *db.Tx) error {
				return tx.Savepoint(ctx, func(*db.Tx) error { return nil })
			}, 2},
			{"after a savepoint that failed", func(tx *db.Tx) error {
				err := tx.Savepoint(ctx, func(tx *db.Tx) error {
					tx.Forget(key{}) // as a write changing the value would
					_, err := db.Memo(tx, key{}, read)
					if err == nil {
						err = errors.New("undone")
					}
					return err
				})
				if err == nil {
					return errors.New("the savepoint did not fail")
				}
				return nil
			}, 4}, // one read inside, one after: the value inside was undone
		}
		err := d.Write(ctx, func(tx *db.Tx) error {
			reads = 0
			for _, s := range steps {
				if err := s.do(tx); err != nil {
					return err
				}
				v, err := db.Memo(tx, key{}, read)
				if err != nil {
					return err
				}
				if reads != s.wantReads || v != reads {
					t.Errorf("%s: %d reads, value %d; want %d reads and the last read's value", s.name, reads, v, s.wantReads)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A new transaction starts with no memo.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			before := reads
			_, err := db.Memo(tx, key{}, read)
			if reads != before+1 {
				t.Errorf("a new transaction used the last one's memo")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
