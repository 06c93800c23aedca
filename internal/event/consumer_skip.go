package event

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// PassedOverWrite is how far a consumer's position may run ahead of its
// stored cursor over events it passed over without handling one (none of
// its types, or refused by its filter) before the cursor is written
// anyway. Passing over costs no write, so a consumer of rare events
// (routing's presence and capacity news, say) used to leave its stored
// cursor where its last wanted event was: every start of the node then
// read the whole log after it again, millions of events on a node that
// had run a million workflow runs, to find nothing. Writing it every
// PassedOverWrite events bounds that re-reading to about as many events,
// for one small write per that many events.
const PassedOverWrite = 4096

// storePassedOver writes the cursor at reached, which the consumer reached
// by passing over events, if the stored one (as read by this pass) is
// PassedOverWrite or more behind. It never moves the cursor back: another
// node may have moved it further meanwhile.
func (c *Consumer) storePassedOver(ctx context.Context, stored, reached int64) error {
	if reached-stored < PassedOverWrite {
		return nil
	}
	// Concurrent: the cursor only moves forward, under its row lock, so
	// nothing here needs the other writes kept out; an exclusive write
	// held up every webhook of the node behind it on PostgreSQL. A row
	// another node's batch holds is skipped rather than waited for, as
	// the consumer's own batch does (see Consumer.pass): this write only
	// saves re-reading, and that batch moves the cursor anyway.
	return c.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		q := `UPDATE event_consumers SET last_id = ?, updated_at = ? WHERE name = ? AND last_id < ?`
		args := []any{reached, tx.Now(), c.cfg.Name, reached}
		if tx.Dialect() == db.Postgres {
			q += ` AND name IN (SELECT name FROM event_consumers WHERE name = ? FOR UPDATE SKIP LOCKED)`
			args = append(args, c.cfg.Name)
		}
		_, err := tx.Exec(ctx, q, args...)
		tx.OnCommit(func() { c.noteStored(reached) })
		return err
	})
}
