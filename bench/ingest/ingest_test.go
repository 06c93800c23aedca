package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// receiver is a conversation service on a fresh SQLite store with one
// workspace and one custom channel, the in-process half of the ingest path.
type receiver struct {
	svc                  *conversation.Service
	workspace, channelID int64
}

func newReceiver(b *testing.B) receiver {
	b.Helper()
	ctx := context.Background()
	d := dbtest.Open(b, db.SQLite)
	ws, err := workspace.New(d).Create(ctx, "Bench", "UTC")
	if err != nil {
		b.Fatal(err)
	}
	ch, err := channel.New(d).Create(ctx, ws.ID, channel.Input{Type: channel.TypeCustom, Name: "bench", Config: []byte(`{"base_url":"http://127.0.0.1:9"}`)})
	if err != nil {
		b.Fatal(err)
	}
	return receiver{svc: conversation.New(d), workspace: ws.ID, channelID: ch.ID}
}

// receive stores message i, the first of a new contact, and checks that it
// opened that contact's conversation.
func (r receiver) receive(b *testing.B, i int64) {
	name := "Bench"
	out, err := r.svc.Receive(context.Background(), []conversation.Inbound{{
		Kind: conversation.KindMessage, WorkspaceID: r.workspace, ChannelID: r.channelID,
		ExternalID: contactID(int(i)), Profile: contact.Input{FirstName: &name},
		ProviderMessageID: fmt.Sprintf("bench-%d", i), Type: "text", Text: "hello from the benchmark", Timestamp: time.Now(),
	}})
	if err != nil {
		b.Fatal(err)
	}
	if len(out) != 1 || !out[0].Opened || out[0].Duplicate {
		b.Fatalf("message %d: %+v, want one stored message that opened a conversation", i, out)
	}
}

// BenchmarkReceive measures conversation.Service.Receive one call at a
// time: every call waits for its own fsync.
func BenchmarkReceive(b *testing.B) {
	r := newReceiver(b)
	var i int64
	for b.Loop() {
		r.receive(b, i)
		i++
	}
}

// BenchmarkReceiveParallel measures Receive from many goroutines at once,
// where the group committer shares each fsync between callers.
func BenchmarkReceiveParallel(b *testing.B) {
	r := newReceiver(b)
	var next atomic.Int64
	b.SetParallelism(16) // 16 × GOMAXPROCS callers, like many open webhooks
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.receive(b, next.Add(1))
		}
	})
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if got := percentile(d, 0.50); got != 50*time.Millisecond {
		t.Errorf("p50 = %s, want 50ms", got)
	}
	if got := percentile(d, 0.99); got != 99*time.Millisecond {
		t.Errorf("p99 = %s, want 99ms", got)
	}
	if got := percentile(d[:1], 0.99); got != time.Millisecond {
		t.Errorf("p99 of one = %s, want 1ms", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("p50 of none = %s, want 0", got)
	}
}
