package contact

import (
	"context"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Concurrent requests making the same change to one contact record it
// once: one event each for the stage, the tag and the field, whatever
// the interleaving. Workflows trigger on these events, so a duplicate
// would start a second run.
func TestConcurrentSameChangeRecordedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "W", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := New(d)
		if _, err := s.CreateField(ctx, ws.ID, Field{Key: "plan", Type: "text"}); err != nil {
			t.Fatal(err)
		}
		c, err := s.Create(ctx, ws.ID, Input{FirstName: ptr("Ada")})
		if err != nil {
			t.Fatal(err)
		}
		const callers = 10
		changes := []struct {
			name, event string
			do          func() error
		}{
			{"lifecycle", "contact.lifecycle.updated", func() error { return s.SetLifecycle(ctx, access.System(ws.ID), c.ID, "Customer") }},
			{"tag", "contact.tag.updated", func() error { return s.SetTag(ctx, access.System(ws.ID), c.ID, "vip", true) }},
			{"field", "contact.updated", func() error {
				_, err := s.Update(ctx, access.System(ws.ID), c.ID, Input{Fields: map[string]any{"plan": "pro"}})
				return err
			}},
		}
		for _, ch := range changes {
			before := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = ?`, ch.event)
			var wg sync.WaitGroup
			for range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := ch.do(); err != nil {
						t.Errorf("%s: %v", ch.name, err)
					}
				}()
			}
			wg.Wait()
			if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = ?`, ch.event) - before; got != 1 {
				t.Errorf("%s: %d %s events from %d identical requests, want 1", ch.name, got, ch.event, callers)
			}
		}
	})
}
