package workspace

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Changes of different workspace settings made at once all stay.
func TestConcurrentSettingsAllStay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		for round := range 10 {
			ws, err := s.Create(ctx, "W", "UTC")
			if err != nil {
				t.Fatal(err)
			}
			name, tz, mode := fmt.Sprintf("Acme %d", round), "Europe/Paris", NotesBothRequired
			var wg sync.WaitGroup
			for _, in := range []Settings{{Name: &name}, {Timezone: &tz}, {ClosingNotesMode: &mode}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Update(ctx, ws.ID, in); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			got, err := s.Get(ctx, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != name || got.Timezone != tz || got.ClosingNotesMode != mode {
				t.Fatalf("round %d: workspace = %+v; want every setting changed", round, got)
			}
		}
	})
}
