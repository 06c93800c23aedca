package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// ReadFunc is called inside the transaction of a person's read of a
// conversation (see OnRead).
type ReadFunc func(ctx context.Context, tx *db.Tx, userID, conversationID int64) error

// OnRead registers fn to run inside the transaction of every MarkRead that
// marks a conversation read: the notifications the bell showed of it are
// read in the same commit (internal/notification), one write and not two.
// Set it before the service is used.
func (s *Service) OnRead(fn ReadFunc) { s.onRead = fn }
