package app_test

import (
	"bufio"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// A node stopping with live event streams open ends them rather than
// waiting for them: a stream never ends by itself, and graceful shutdown
// waits for every request (here for an hour, were they not ended).
func TestShutdownEndsLiveStreams(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	_, url, res, stop := runNodeStoppable(t, db.SQLite, fake, time.Hour)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url+"/api/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+res.APIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || lines.Text() != ": connected" {
		t.Fatalf("stream opened with %q", lines.Text())
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for lines.Scan() { // the rest of the stream, up to its end
	}
}
