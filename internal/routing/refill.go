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
//
// The refill waits for no queue, queue head or agent held elsewhere
// (db.NoWait): it holds the close's conversation and agent already, and
// the drainer takes a queue before its head's conversation, a placement
// its conversation before the queue, so a refill waiting on either could
// close a cycle with them once closes run beside other writes (a close
// through the exclusive door meets only holders outside the store's
// write lock). It gives way instead (db.ErrLockOrder); the close's
// savepoint undoes it and the drainer, reading the close, fills the slot.
func (s *Service) RefillTx(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error {
	ctx = db.NoWait(ctx)
	keys, err := freedKeys(ctx, tx, workspaceID, userID)
	if err != nil {
		return wrap("refill", err)
	}
	_, err = s.drainKeys(ctx, tx, keys)
	return wrap("refill", err)
}
