package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
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

// A workspace past its share of webhooks in flight is answered 429 with
// Retry-After and nothing reaches the store; another workspace is not
// held up by it, and the share frees as webhooks finish.
func TestFairReceiverSharePerWorkspace(t *testing.T) {
	next := heldReceiver{entered: make(chan int64, 8), release: make(chan struct{})}
	f := fairReceiver{next: next, share: ratelimit.NewInFlight[int64](2)}
	ctx := context.Background()
	in := func(ws int64) []conversation.Inbound { return []conversation.Inbound{{WorkspaceID: ws}} }

	done := make(chan error, 8)
	for range 2 {
		go func() { _, err := f.Receive(ctx, in(1)); done <- err }()
		<-next.entered
	}
	_, err := f.Receive(ctx, in(1))
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.KindTooMany || e.RetryAfter != time.Second {
		t.Fatalf("third webhook of workspace 1: %v, want 429 with Retry-After 1s", err)
	}
	select {
	case ws := <-next.entered:
		t.Fatalf("a refused webhook of workspace %d reached the store", ws)
	default:
	}

	go func() { _, err := f.Receive(ctx, in(2)); done <- err }()
	if ws := <-next.entered; ws != 2 {
		t.Fatalf("entered %d, want workspace 2", ws)
	}
	for range 3 {
		next.release <- struct{}{}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	go func() { _, err := f.Receive(ctx, in(1)); done <- err }()
	<-next.entered
	next.release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatalf("workspace 1 once its webhooks finished: %v", err)
	}
}
