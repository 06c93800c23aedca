package routing

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// RefillTx assigns, inside tx, the queued conversations a slot of userID
// can take now: called in the transaction of a close that freed it
// (conversation.Service.OnSlotFreed), so the next waiting conversation is
// the agent's in the same commit. Left to the drainer, a refill waited for
// the close's commit, the drainer's wake-up, its reads and a commit of its
// own — most of a freed slot's wait (bench/routing: close → refill
// committed). The drainer still reads the close's event and drains the
// same queues, finding them served; a queue with more than a batch to
// place is left to it.
func (s *Service) RefillTx(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error {
	keys, err := freedKeys(ctx, tx, workspaceID, userID)
	if err != nil {
		return wrap("refill", err)
	}
	_, err = s.drainKeys(ctx, tx, keys)
	return wrap("refill", err)
}
