package event

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listen wakes the hub whenever any node commits events on the PostgreSQL
// store at url (the event log's NOTIFY, sent at commit). It reconnects
// after errors and returns when ctx ends. After each (re)connection it
// wakes the hub once, since events may have committed while it was away.
func Listen(ctx context.Context, url string, hub *Hub) {
	for ctx.Err() == nil {
		err := listenOnce(ctx, url, hub)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("event listener disconnected; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func listenOnce(ctx context.Context, url string, hub *Hub) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN switchboard_events"); err != nil {
		return err
	}
	hub.Notify()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		hub.Notify()
	}
}
