package webhook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestSIGKILLMidDeliveryRedeliversTheSameEvent kills `switchboard serve`
// with SIGKILL while a delivery's POST is out (the receiver holds it
// unanswered), restarts it on the same store, and checks that the
// restarted node delivers the same event again — same event id in the
// header and the body — once, and records it delivered. Leases are an
// hour long, so only the restarted node taking the dead node's claims
// back (internal/node) can make it in time.
func TestSIGKILLMidDeliveryRedeliversTheSameEvent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and kills the server: skipped with -short")
	}
	bin, err := harness.Build(t.Context(), t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) { killMidDelivery(t, bin, dialect) })
	}
}

func killMidDelivery(t *testing.T, bin string, dialect db.Dialect) {
	ctx := t.Context()
	cfg := dbtest.Config(t, dialect)
	store := harness.StoreArgs(cfg.DataDir, cfg.URL)
	logFile := filepath.Join(t.TempDir(), "serve.log")
	demo, err := harness.LoadDemo(ctx, bin, store)
	if err != nil {
		t.Fatal(err)
	}
	type post struct{ header, body int64 }
	var mu sync.Mutex
	var posts []post
	first := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &body)
		if body.Type != "message.received" {
			return
		}
		id, _ := strconv.ParseInt(r.Header.Get("X-Switchboard-Event-Id"), 10, 64)
		mu.Lock()
		posts = append(posts, post{id, body.ID})
		n := len(posts)
		mu.Unlock()
		if n == 1 {
			close(first)
			select { // never answered: the node is killed meanwhile
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	defer recv.Close()
	start := func() *harness.Server {
		srv, err := harness.Start(ctx, harness.Options{Bin: bin, StoreArgs: store, LogFile: logFile,
			Args: []string{"--lease", "1h", "--allow-private-networks", "127.0.0.1/32"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Kill)
		return srv
	}
	api := func(srv *harness.Server, method, path, body string) []byte {
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+demo.APIToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, out)
		}
		return out
	}

	srv := start()
	var ep struct{ ID int64 }
	json.Unmarshal(api(srv, "POST", "/api/v1/webhooks", fmt.Sprintf(`{"url":%q,"event_types":["message.received"]}`, recv.URL+"/hook")), &ep)
	// The consumer's cursor starts at the log's end when it first runs:
	// wait for it to exist before the contact writes.
	st, err := harness.OpenStore(cfg.DataDir, cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for n := 0; n == 0; {
		if err := st.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_consumers WHERE name = 'webhooks'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	wh := harness.NewWebhook(srv.URL, demo, 1)
	if _, err := wh.Post(ctx, harness.Body(demo.ChannelID, "sigkill-1", "Ada", []harness.Message{{MID: "sk-1", Text: "hello"}}, time.Now())); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first:
	case <-time.After(time.Minute):
		t.Fatalf("the delivery never arrived\n%s", tailOf(logFile))
	}
	srv.Kill()

	srv = start()
	deadline := time.Now().Add(90 * time.Second)
	for {
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted node never redelivered\n%s", tailOf(logFile))
		}
		time.Sleep(50 * time.Millisecond)
	}
	var log struct {
		Data []struct {
			EventID  int64  `json:"event_id"`
			State    string `json:"state"`
			Attempts int    `json:"attempts"`
		}
	}
	for time.Now().Before(deadline) {
		json.Unmarshal(api(srv, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", ep.ID), ""), &log)
		if len(log.Data) == 1 && log.Data[0].State == "delivered" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 2 || posts[0] != posts[1] || posts[0].header != posts[0].body || posts[0].header == 0 {
		t.Fatalf("POSTs %+v, want the same event id twice", posts)
	}
	if len(log.Data) != 1 || log.Data[0].State != "delivered" || log.Data[0].EventID != posts[0].header {
		t.Fatalf("delivery log %+v, want the one delivery delivered", log.Data)
	}
}

func tailOf(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
