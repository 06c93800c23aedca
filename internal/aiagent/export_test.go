package aiagent

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Handle is the consumer's handler of a batch of events, for tests.
func (s *Service) Handle(ctx context.Context, tx *db.Tx, events []event.Event) error {
	return s.handle(ctx, tx, events)
}
