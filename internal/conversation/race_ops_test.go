package conversation

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Concurrent closes of one conversation (two agents, or an agent and a
// workflow, clicking at once): one wins, the others get a conflict, and
// exactly one conversation.closed is recorded.
func TestConcurrentCloseOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for round := range 5 {
			r := f.openOne(t, "+1415555000"+string(rune('0'+round)))
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.svc.Close(ctx, access.System(f.ws.ID), r.ConversationID, CloseInput{Source: SourceAPI})
					switch {
					case err == nil:
						mu.Lock()
						wins++
						mu.Unlock()
					case !errors.Is(err, apperr.ErrConflict):
						t.Errorf("close: %v", err)
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Errorf("round %d: %d closes succeeded, want 1", round, wins)
			}
			if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.closed' AND conversation_id = ?`, r.ConversationID); n != 1 {
				t.Errorf("round %d: conversation.closed events = %d, want 1", round, n)
			}
		}
	})
}
