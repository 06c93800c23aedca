package custom

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A rename and a configuration change made at once both stay: neither
// update writes back what it read before the other committed.
func TestConcurrentChannelUpdatesBothStay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "W", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := testService(t, d)
		for round := range 10 {
			c, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "site", Config: json.RawMessage(`{"base_url":"http://a.example"}`)})
			if err != nil {
				t.Fatal(err)
			}
			name, url := fmt.Sprintf("renamed %d", round), fmt.Sprintf("http://b%d.example", round)
			var wg sync.WaitGroup
			for _, in := range []channel.Input{{Name: name}, {Config: json.RawMessage(`{"base_url":"` + url + `"}`)}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Update(ctx, ws.ID, c.ID, in); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			got, err := s.Read(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != name || !strings.Contains(string(got.Config), url) {
				t.Fatalf("round %d: channel is %q with %s; want %q with %s", round, got.Name, got.Config, name, url)
			}
		}
	})
}
