package conversation

import (
	"context"
	"errors"
	"log/slog"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// SlotFreedFunc is called inside the transaction of a close that freed
// one of userID's slots (see OnSlotFreed).
type SlotFreedFunc func(ctx context.Context, tx *db.Tx, workspaceID, userID int64) error

// OnSlotFreed registers fn to run inside the transaction of every close
// made through Close whose conversation had an assignee: routing gives the
// freed slot its next queued conversation in the same commit. Set it
// before the service is used. Closes made inside another transaction
// (workflow steps, auto-close, merges) leave the slot to routing's
// drainer, which reads every close from the event log anyway.
func (s *Service) OnSlotFreed(fn SlotFreedFunc) { s.slotFreed = fn }

// slotFreedTx runs the registered SlotFreedFunc in a savepoint: a refill
// that fails is undone and left to the drainer, and never fails the
// close that freed the slot.
func (s *Service) slotFreedTx(ctx context.Context, tx *db.Tx, c Conversation) {
	if s.slotFreed == nil || c.AssigneeID == 0 {
		return
	}
	err := tx.Savepoint(ctx, func(tx *db.Tx) error { return s.slotFreed(ctx, tx, c.WorkspaceID, c.AssigneeID) })
	switch {
	case errors.Is(err, db.ErrLockOrder):
		// Its queue or queue head was busy elsewhere: not a failure.
		slog.Debug("conversation: refill after close gave way; left to routing's drainer", "conversation", c.ID)
	case err != nil:
		slog.Warn("conversation: refill after close failed; left to routing's drainer", "conversation", c.ID, "err", err)
	}
}
