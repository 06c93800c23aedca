package app_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/demo"
	"github.com/switchboard-chat/switchboard/internal/node"
)

// A node stopping on PostgreSQL lets its sends in flight finish and
// records them (the outbound drain, up to 10 s), and it heartbeats all
// the while: it stopped heartbeating with the other engines, so after
// Silence (6 s) another node took it for dead, took back the claims of
// the sends it was still draining and sent them again.
func TestAStoppingNodeHeartbeatsWhileItDrains(t *testing.T) {
	cfg := dbtest.PostgresConfig(t)
	ctx := context.Background()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))

	// The integrator takes every send and answers only when released.
	arrived, release := make(chan struct{}, 16), make(chan struct{})
	var mu sync.Mutex
	requests := 0
	integrator := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		arrived <- struct{}{}
		<-release
		w.Write([]byte(`{"id":"p-1"}`))
	}))
	defer integrator.Close()
	defer close(release)

	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DatabaseURL: cfg.URL, Clock: fake,
		AllowPrivateNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, SecretKey: testSecretKey(db.Postgres)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, demo.Services{Workspaces: a.Workspaces, Contacts: a.Contacts, Channels: a.Channels,
		Conversations: a.Conversations, Workflows: a.Workflows}, demo.Options{ChannelURL: integrator.URL})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	addr, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- a.Run(runCtx, func(bound string) { addr <- bound }) }()
	url := "http://" + <-addr
	backgroundtest.WaitIdle(t, a.Background)

	// Another node, watching.
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetClock(fake)
	g := background.NewGroup(fake)
	watcher, err := node.Start(ctx, d, "", g)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	backgroundtest.Run(t, g, watcher.Run)

	// A message in: the demo's workflow sends its welcome, which the
	// integrator holds.
	adaWrites(t, url, res)
	<-arrived

	// The node stops: once it no longer serves, its engines are stopping,
	// and its dispatcher waits for the send in flight.
	stop()
	for {
		c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		if err != nil {
			break
		}
		c.Close()
	}
	var id int64
	if err := d.Reader().QueryRow(ctx, `SELECT lease_node FROM outbound_jobs WHERE lease_until > 0`).Scan(&id); err != nil || id == watcher.ID() {
		t.Fatalf("the send in flight: claimed by node %d (%v), want the stopping node's claim", id, err)
	}
	// Past Silence, a heartbeat at a time: both nodes' heartbeats must
	// be armed before the clock moves (an Advance made before a timer
	// exists fires nothing).
	for range node.Silence/node.Heartbeat + 1 {
		armed, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := fake.WaitPending(armed, 2)
		cancel()
		if err != nil {
			t.Fatal("the stopping node stopped heartbeating while it drained its sends")
		}
		fake.Advance(node.Heartbeat)
		backgroundtest.WaitIdle(t, g)
	}
	if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM outbound_jobs WHERE lease_until > 0 AND lease_node = ?`, id); n != 1 {
		t.Fatalf("the send being drained lost its claim (%d held): another node may send it again", n)
	}
	release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if requests != 1 {
		t.Fatalf("the integrator got %d sends, want the welcome once", requests)
	}
}
