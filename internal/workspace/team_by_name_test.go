package workspace

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Many lookups at once, more than the store's pooled read connections
// (the workflow engine's 64 workers resolving Assign To's team), all
// finish: a lookup never holds one connection while it waits for another.
// The deadline only turns a deadlock into a failure; a sound run takes
// milliseconds.
func TestTeamByNameUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := New(d)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		ws, err := s.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "Sales"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					got, err := s.TeamByName(ctx, ws.ID, "sales")
					if err == nil && got.ID != want.ID {
						t.Errorf("TeamByName = %d, want %d", got.ID, want.ID)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("a lookup failed (a deadlock ends at the deadline): %v", err)
		}
	})
}

// Team names are unique as written, so "support" and "Support" may both
// exist: a name given exactly finds its own team, and one matching only
// when case is ignored finds the first by id.
func TestTeamByNamePrefersTheExactName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, err := s.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		lower, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "support"})
		if err != nil {
			t.Fatal(err)
		}
		upper, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "Support"})
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]int64{"Support": upper.ID, "support": lower.ID, "SUPPORT": lower.ID} {
			if got, err := TeamIDByName(ctx, d.Reader(), ws.ID, name); err != nil || got != want {
				t.Errorf("team named %q: %d, %v; want %d", name, got, err, want)
			}
		}
	})
}
