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
	return c.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE event_consumers SET last_id = ?, updated_at = ? WHERE name = ? AND last_id < ?`,
			reached, tx.Now(), c.cfg.Name, reached)
		return err
	})
}
