package main

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// The benchmarks share one inbox of 100,000 open conversations, seeded
// once per process (about 6 s):
//
//	go test -run '^$' -bench . ./bench/inbox
var (
	benchOnce  sync.Once
	benchInbox *inbox
	benchErr   error
	benchDir   string
)

// TestMain removes the benchmarks' store when they are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchInbox != nil {
		benchInbox.d.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func openInbox(b *testing.B) *inbox {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		var err error
		if benchDir, err = os.MkdirTemp("", "switchboard-inbox-bench-*"); err != nil {
			benchErr = err
			return
		}
		d, err := db.Open(ctx, db.Config{DataDir: benchDir})
		if err != nil {
			benchErr = err
			return
		}
		benchInbox, benchErr = seed(ctx, d, shape{Conversations: 100_000, Teams: 10, Agents: 100, Channels: 5})
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchInbox
}

func BenchmarkCounts(b *testing.B) {
	in := openInbox(b)
	ctx := context.Background()
	for _, who := range []string{"owner", "agent"} {
		p := in.owner
		if who == "agent" {
			p = in.agent
		}
		b.Run(who, func(b *testing.B) {
			for b.Loop() {
				if _, err := in.conv.Counts(ctx, p, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFirstPage(b *testing.B) {
	in := openInbox(b)
	ctx := context.Background()
	for _, sort := range conversation.Sorts {
		b.Run(sort, func(b *testing.B) {
			for b.Loop() {
				if _, err := in.conv.List(ctx, in.owner, conversation.ListFilter{Status: conversation.StatusOpen, Sort: sort}, page.First()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBareCount is the baseline the report divides by.
func BenchmarkBareCount(b *testing.B) {
	in := openInbox(b)
	ctx := context.Background()
	for b.Loop() {
		var n int64
		if err := in.d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM conversations`).Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}
