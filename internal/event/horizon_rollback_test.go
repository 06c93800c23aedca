package event_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A transaction that took event id a and rolls back leaves a hole the
// horizon stopped readers at while it was open. Its end must wake this
// node's readers at once: here the clock is fake and never moves, so the
// readers' retry (blockedRetry) never fires, and only the rollback's wake
// brings B's event (b > a, committed while A was open) to the consumer
// and the tail.
func TestRollbackWakesReadersStoppedAtItsHole(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip("PostgreSQL only: SQLite has no horizon")
	}
	fake := clock.NewFake(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	cfg := dbtest.Config(t, db.Postgres)
	cfg.Clock = fake
	d := dbtest.OpenConfig(t, cfg)
	ctx := context.Background()
	ws := newWorkspace(t, d)

	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	g := background.NewGroup(d.Clock())
	tail, err := event.NewTail(ctx, d, hub, g)
	if err != nil {
		t.Fatal(err)
	}
	sub := tail.Subscribe(func(event.Event) bool { return true })
	var mu sync.Mutex
	var handled []int64
	handledSome := make(chan struct{}, 1)
	c := event.NewConsumer(d, hub, g, event.ConsumerConfig{Name: "rollback", Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range events {
			handled = append(handled, e.ID)
		}
		select {
		case handledSome <- struct{}{}:
		default:
		}
		return nil
	}})
	// The cursor row exists already: see TestHorizonHoldsReadersBelowAnOpenAppender.
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO event_consumers (name, last_id, updated_at) VALUES ('rollback', 0, 0)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	g.StartAll()
	go tail.Run(runCtx)
	go c.Run(runCtx)

	errGiveUp := errors.New("A gives up")
	aTook, aGo := make(chan int64, 1), make(chan struct{})
	aDone := make(chan error, 1)
	var release sync.Once
	letAGo := func() { release.Do(func() { close(aGo) }) }
	defer letAGo()
	go func() {
		aDone <- d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			if _, err := appendNow(ctx, tx, ws); err != nil {
				return err
			}
			select {
			case aTook <- 0:
			default:
			}
			<-aGo
			return errGiveUp
		})
	}()
	<-aTook
	var b int64
	if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
		var err error
		b, err = appendNow(ctx, tx, ws)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Both readers stopped at A's hole and wait for their retry, which
	// the fake clock holds back.
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := fake.WaitPending(waitCtx, 2); err != nil {
		t.Fatalf("the consumer and the tail never stopped at the horizon: %v", err)
	}
	mu.Lock()
	early := len(handled)
	mu.Unlock()
	if early != 0 {
		t.Fatalf("consumer handled %v while A was open", handled)
	}

	letAGo()
	if err := <-aDone; !errors.Is(err, errGiveUp) {
		t.Fatalf("A ended with %v, want its own error", err)
	}
	select {
	case batch := <-sub.C:
		if fmt.Sprint(ids(batch)) != fmt.Sprint([]int64{b}) {
			t.Fatalf("tail handed out %v, want [%d]", ids(batch), b)
		}
	case <-waitCtx.Done():
		t.Fatal("the tail was not woken by A's rollback")
	}
	select {
	case <-handledSome:
	case <-waitCtx.Done():
		t.Fatal("the consumer was not woken by A's rollback")
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(handled) != fmt.Sprint([]int64{b}) {
		t.Fatalf("consumer handled %v, want [%d]", handled, b)
	}
}
