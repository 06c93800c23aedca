package conversation

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two nodes (two pools, two write doors) on one PostgreSQL database receive
// the same new contacts at once: the unique indexes and the committer's
// re-run on a lost race keep one contact and one open conversation each,
// and every message is stored once.
func TestReceiveTwoNodesPostgres(t *testing.T) {
	ctx := context.Background()
	cfg := dbtest.PostgresConfig(t)
	nodeA, nodeB := dbtest.OpenConfig(t, cfg), dbtest.OpenConfig(t, cfg)
	f := newFixture(t, nodeA)
	nodes := []*Service{f.svc, New(nodeB)}

	const contacts, perContact = 20, 10
	var wg sync.WaitGroup
	for n, svc := range nodes {
		for c := 0; c < contacts; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perContact; i++ {
					// Both nodes get every message (a provider retrying against another node).
					in := f.inbound(fmt.Sprintf("+1415555%04d", c), fmt.Sprintf("c%d-m%d", c, i), "hi")
					if _, err := svc.Receive(ctx, []Inbound{in}); err != nil {
						t.Errorf("node %d: %v", n, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, check := range []struct {
		query string
		want  int
	}{
		{`SELECT COUNT(*) FROM contacts`, contacts},
		{`SELECT COUNT(*) FROM conversations WHERE status <> 'closed'`, contacts},
		{`SELECT COUNT(*) FROM events WHERE type = 'conversation.opened'`, contacts},
		{`SELECT COUNT(*) FROM messages`, contacts * perContact},
		{`SELECT COUNT(*) FROM events WHERE type = 'message.received'`, contacts * perContact},
	} {
		if got := dbtest.Count(t, nodeA, check.query); got != check.want {
			t.Errorf("%s = %d, want %d", check.query, got, check.want)
		}
	}
}
