package app_test

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/demo"
	"github.com/switchboard-chat/switchboard/internal/node"
)

// runNode starts a node with the demo workspace on a fake clock, as
// `serve --demo` does, and returns it with its address once it serves and
// its engines are idle.
func runNode(t *testing.T, dialect db.Dialect, fake *clock.Fake) (*app.App, string, demo.Result) {
	t.Helper()
	a, url, res, _ := runNodeStoppable(t, dialect, fake, 0)
	return a, url, res
}

// runNodeStoppable is runNode with the node's shutdown timeout, and a
// function that stops it and returns what Run returned.
func runNodeStoppable(t *testing.T, dialect db.Dialect, fake *clock.Fake, shutdown time.Duration) (*app.App, string, demo.Result, func() error) {
	t.Helper()
	cfg := dbtest.Config(t, dialect)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: cfg.DataDir, DatabaseURL: cfg.URL, Clock: fake, ShutdownTimeout: shutdown,
		AllowPrivateNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, // as `serve --demo`
		SecretKey:            testSecretKey(dialect)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, demo.Services{Workspaces: a.Workspaces, Contacts: a.Contacts, Channels: a.Channels,
		Conversations: a.Conversations, Workflows: a.Workflows}, demo.Options{ChannelURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(bound string) { addr <- bound }) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	url := "http://" + <-addr
	backgroundtest.WaitIdle(t, a.Background)
	return a, url, res, stop
}

// An idle node does no work: over an hour of its clock, with the demo's
// workflow started, it commits nothing and wakes no consumer (on
// PostgreSQL its only writes are its heartbeats). It used to spin about
// 4,300 times a second: every commit woke the workflow timer, whose claim
// through the committer was a commit.
func TestIdleNodeIdles(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			a, _, _ := runNode(t, dialect, fake)
			commits, wakes := a.DB.Commits(), a.Hub.Notifies()
			const minutes = 60
			for range minutes {
				fake.Advance(time.Minute)
				backgroundtest.WaitIdle(t, a.Background)
			}
			allowed := int64(0)
			if dialect == db.Postgres {
				allowed = int64(minutes*time.Minute/node.Heartbeat) + 1
			}
			if got := a.DB.Commits() - commits; got > allowed {
				t.Errorf("an idle node committed %d times in %d minutes, want at most %d", got, minutes, allowed)
			}
			if got := a.Hub.Notifies() - wakes; got != 0 {
				t.Errorf("an idle node woke its consumers %d times in %d minutes, want none", got, minutes)
			}
		})
	}
}

// The same node, given a message, runs the demo's inbound workflow to its
// question and then rests again: the idle signal covers every engine the
// message sets going.
func TestNodeWorksThenRestsOnAFakeClock(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	a, url, res := runNode(t, db.SQLite, fake)
	adaWrites(t, url, res)
	backgroundtest.WaitIdle(t, a.Background)
	var sent int
	if err := a.DB.Reader().QueryRow(context.Background(), `SELECT COUNT(*) FROM messages WHERE direction = 'out'`).Scan(&sent); err != nil {
		t.Fatal(err)
	}
	if sent != 2 {
		t.Fatalf("%d messages sent once idle, want the welcome and the question", sent)
	}
	commits := a.DB.Commits()
	fake.Advance(time.Minute)
	backgroundtest.WaitIdle(t, a.Background)
	// The integrator is unreachable: its sends are retried with backoff,
	// and nothing else happens.
	var retried int
	a.DB.Reader().QueryRow(context.Background(), `SELECT COUNT(*) FROM outbound_jobs WHERE attempts > 0`).Scan(&retried)
	if got := a.DB.Commits() - commits; retried == 0 || got == 0 {
		t.Fatalf("after a minute: %d jobs attempted, %d commits; want the sends retried", retried, got)
	}
}

// adaWrites posts "Hello" from a new contact, Ada, to the demo's custom
// channel webhook of the node at url, and checks it was taken.
func adaWrites(t *testing.T, url string, res demo.Result) {
	t.Helper()
	body := `{"contactId":"+14155550123","contact":{"firstName":"Ada"},"events":[{"type":"message","mId":"m-1","timestamp":1764000000000,"message":{"type":"text","text":"Hello"}}]}`
	req, _ := http.NewRequest(http.MethodPost, url+res.WebhookPath, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+res.ChannelToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d", resp.StatusCode)
	}
}
