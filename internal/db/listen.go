package db

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the PostgreSQL channel on which a commit tells the
// other nodes what it did: the id of its last event and the earliest due
// time of each kind of work it scheduled.
const notifyChannel = "switchboard"

// notification encodes a commit's news: "e:<last event id>" and
// "d:<kind>:<due ms>" items separated by spaces.
func notification(last int64, due map[string]int64) string {
	var b strings.Builder
	if last != 0 {
		b.WriteString("e:" + strconv.FormatInt(last, 10))
	}
	for kind, at := range due {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("d:" + kind + ":" + strconv.FormatInt(at, 10))
	}
	return b.String()
}

// dispatch hands a notification's news to this node's consumers and timers.
func (d *DB) dispatch(payload string) {
	for _, item := range strings.Fields(payload) {
		switch {
		case strings.HasPrefix(item, "e:"):
			if id, err := strconv.ParseInt(item[2:], 10, 64); err == nil {
				d.eventsCommitted(id)
			}
		case strings.HasPrefix(item, "d:"):
			i := strings.LastIndexByte(item, ':')
			if at, err := strconv.ParseInt(item[i+1:], 10, 64); err == nil && i > 2 {
				d.workDue(item[2:i], at)
			}
		}
	}
}

// Listen, on PostgreSQL, brings other nodes' commits to this node's
// consumers and timers (see OnEvents and OnDue) until ctx ends,
// reconnecting after errors. After each (re)connection it tells them the
// log's newest event and wakes every timer, since commits may have
// happened while it was away. On SQLite, where one node owns the store, it
// returns at once.
func (d *DB) Listen(ctx context.Context) {
	if d.Dialect != Postgres {
		return
	}
	for ctx.Err() == nil {
		err := d.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("db: listener disconnected; reconnecting", "err", err)
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

func (d *DB) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	var last int64
	if err := conn.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&last); err != nil {
		return fmt.Errorf("db: newest event: %w", err)
	}
	if last != 0 {
		d.eventsCommitted(last)
	}
	d.notifyMu.Lock()
	kinds := make([]string, 0, len(d.onDue))
	for kind := range d.onDue {
		kinds = append(kinds, kind)
	}
	d.notifyMu.Unlock()
	for _, kind := range kinds {
		d.workDue(kind, 0)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		d.dispatch(n.Payload)
	}
}
