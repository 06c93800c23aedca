package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/ratelimit"
)

// heldReceiver holds every webhook it stores until released, so the test
// decides how many are in flight at once.
type heldReceiver struct {
	entered chan int64
	release chan struct{}
}

func (h heldReceiver) Receive(ctx context.Context, items []conversation.Inbound) ([]conversation.Received, error) {
	h.entered <- items[0].WorkspaceID
	<-h.release
	return make([]conversation.Received, len(items)), nil
}

// A workspace past its share of webhooks in flight while another sends
// is answered 429 with Retry-After and nothing reaches the store; the
// other workspace is not held up by it, and the share frees as webhooks
// finish. Alone, a workspace is not capped.
func TestFairReceiverSharePerWorkspace(t *testing.T) {
	next := heldReceiver{entered: make(chan int64, 8), release: make(chan struct{})}
	c := clock.NewFake(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	f := fairReceiver{next: next, share: ratelimit.NewInFlight[int64](c, 2, fairQuiet)}
	ctx := context.Background()
	in := func(ws int64) []conversation.Inbound { return []conversation.Inbound{{WorkspaceID: ws}} }
	done := make(chan error, 8)
	send := func(ws int64) {
		t.Helper()
		go func() { _, err := f.Receive(ctx, in(ws)); done <- err }()
		if got := <-next.entered; got != ws {
			t.Fatalf("entered %d, want workspace %d", got, ws)
		}
	}
	finish := func(n int) {
		t.Helper()
		for range n {
			next.release <- struct{}{}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
	}

	for range 3 {
		send(1) // alone: past the cap of 2
	}
	finish(3)

	send(2)
	send(1)
	send(1)
	_, err := f.Receive(ctx, in(1))
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.KindTooMany || e.RetryAfter != time.Second {
		t.Fatalf("third webhook of workspace 1 while workspace 2 sends: %v, want 429 with Retry-After 1s", err)
	}
	select {
	case ws := <-next.entered:
		t.Fatalf("a refused webhook of workspace %d reached the store", ws)
	default:
	}
	send(2)
	finish(4)
	send(1)
	finish(1)

	// Workspace 2 done for fairQuiet: workspace 1 is alone again.
	c.Advance(fairQuiet)
	for range 3 {
		send(1)
	}
	finish(3)
}
