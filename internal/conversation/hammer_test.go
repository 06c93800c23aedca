package conversation

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// hammerRound is one round of a PostgreSQL hammer test: writes set up
// one by one, then started all at once and awaited, the test failed if
// one failed.
type hammerRound struct {
	f      *fixture
	writes []func() error
}

// add adds write to the round.
func (r *hammerRound) add(write func() error) { r.writes = append(r.writes, write) }

// receive adds a webhook of the one item in to the round.
func (r *hammerRound) receive(in Inbound) {
	r.add(func() error {
		_, err := r.f.svc.Receive(context.Background(), []Inbound{in})
		return err
	})
}

// run starts the round's writes together and waits for them all.
func (r *hammerRound) run(t *testing.T) {
	t.Helper()
	errs := make(chan error, len(r.writes))
	var wg sync.WaitGroup
	for _, write := range r.writes {
		wg.Go(func() { errs <- write() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// hammerContacts opens a conversation for each of n contacts, numbered
// from first, and returns their external ids and conversations.
func (f *fixture) hammerContacts(t *testing.T, n, first int) (externals []string, convs []int64) {
	t.Helper()
	for i := range n {
		external := fmt.Sprintf("+1415555%04d", first+i)
		externals = append(externals, external)
		convs = append(convs, f.openOne(t, external).ConversationID)
	}
	return externals, convs
}
