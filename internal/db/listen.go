package db

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-chat/switchboard/internal/background"
)

// notifyChannel is the PostgreSQL channel on which a commit tells the
// other nodes what it did: the id of its last event and the earliest due
// time of each kind of work it scheduled.
const notifyChannel = "switchboard"

// notification encodes a commit's news: "o:<origin>" (the store handle
// that committed, so it skips its own news, already told in process),
// then "r" when it rewrote events already in the log (an erasure), and
// "e:<last event id>" and "d:<kind>:<due ms>" items, separated by spaces.
func notification(origin string, last int64, due map[string]int64, rewrote bool) string {
	var b strings.Builder
	b.WriteString("o:" + origin)
	if rewrote {
		b.WriteString(" r")
	}
	if last != 0 {
		b.WriteString(" e:" + strconv.FormatInt(last, 10))
	}
	for kind, at := range due {
		b.WriteString(" d:" + kind + ":" + strconv.FormatInt(at, 10))
	}
	return b.String()
}

// dispatch hands a notification's news to this node's consumers and
// timers, and a broadcast ("b:<topic>:<message>", see Broadcast) to its
// handlers, unless this store handle sent it.
func (d *DB) dispatch(payload string) {
	if strings.HasPrefix(payload, "o:"+d.origin+" ") || payload == "o:"+d.origin {
		return
	}
	items := strings.Fields(payload)
	// A rewrite first, so that the consumers the same news wakes find
	// DB.EventRewrites moved and do not hand out a copy it erased.
	if slices.Contains(items, "r") {
		d.rewrites.Add(1)
	}
	for _, item := range items {
		switch {
		case strings.HasPrefix(item, "e:"):
			if id, err := strconv.ParseInt(item[2:], 10, 64); err == nil {
				d.eventsCommitted(id)
			}
		case strings.HasPrefix(item, "b:"):
			d.broadcastHeard(item[2:])
		case strings.HasPrefix(item, "d:"):
			i := strings.LastIndexByte(item, ':')
			if at, err := strconv.ParseInt(item[i+1:], 10, 64); err == nil && i > 2 {
				d.workDue(item[2:i], at)
			}
		}
	}
}

// Listener returns the loop, run in g, that brings other nodes' commits on
// PostgreSQL to this node's consumers and timers (see OnEvents and OnDue)
// until ctx ends, reconnecting after errors. After each (re)connection it
// tells them the log's newest event and wakes every timer, since commits
// may have happened while it was away. It counts as asleep only while it
// waits for a notification, so the node is not idle before it listens. On
// SQLite, where one node owns the store, it returns nil.
func (d *DB) Listener(g *background.Group) func(context.Context) {
	if d.Dialect != Postgres {
		return nil
	}
	l := g.NewLoop("db listener")
	return func(ctx context.Context) {
		l.Start()
		defer l.Stop()
		for ctx.Err() == nil {
			err := d.listenOnce(ctx, l)
			if ctx.Err() != nil {
				return
			}
			slog.Warn("db: listener disconnected; reconnecting", "err", err)
			l.Wait(ctx, d.clock.Now().Add(time.Second))
		}
	}
}

// Keepalive of the listener's connection. The listener only reads, and a
// connection whose server vanished without closing it (a host lost, a
// network partition, a failover's dropped route) reads nothing forever:
// the node would stop hearing the others' commits and never reconnect.
// The kernel's probes find such a peer after Idle + Count × Interval of
// silence, about half a minute, and cost this process nothing while idle
// (Go's default dialer probes every 15 s but gives up only after the
// system's 9 probes: two and a half minutes deaf to the other nodes).
var listenKeepAlive = net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 5 * time.Second, Count: 3}

// connectListener opens the listener's own connection (not the pool's:
// LISTEN holds it), with listenKeepAlive.
func (d *DB) connectListener(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(d.url)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAliveConfig: listenKeepAlive}
	cfg.DialFunc = dialer.DialContext
	return pgx.ConnectConfig(ctx, cfg)
}

func (d *DB) listenOnce(ctx context.Context, l *background.Loop) error {
	conn, err := d.connectListener(ctx)
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
	// Another node may have erased events while this one was not
	// listening: the events kept in memory are read again.
	d.rewrites.Add(1)
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
		var n *pgconn.Notification
		l.Blocked(func() { n, err = conn.WaitForNotification(ctx) })
		if err != nil {
			return err
		}
		d.dispatch(n.Payload)
	}
}
