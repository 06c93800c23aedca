package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// receiver is an integrator's webhook endpoint: it records every POST and
// answers with the test's handler.
type receiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	got    []received
	answer func(n int, r received, w http.ResponseWriter) // n counts from 1
}

// received is one POST the receiver got.
type received struct {
	eventID    int64
	deliveryID int64 // the X-Switchboard-Delivery-Id header; 0 when absent
	eventType  string
	signature  string
	body       []byte
	payload    webhook.Payload
	status     int // what the receiver answered
}

func newReceiver(t *testing.T, answer func(n int, r received, w http.ResponseWriter)) *receiver {
	t.Helper()
	rc := &receiver{answer: answer}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got := received{eventType: r.Header.Get(webhook.HeaderEventType), signature: r.Header.Get(webhook.HeaderSignature), body: b}
		got.eventID, _ = strconv.ParseInt(r.Header.Get(webhook.HeaderEventID), 10, 64)
		got.deliveryID, _ = strconv.ParseInt(r.Header.Get(webhook.HeaderDelivery), 10, 64)
		json.Unmarshal(b, &got.payload)
		rc.mu.Lock()
		n := len(rc.got) + 1
		rc.mu.Unlock()
		rw := &statusWriter{ResponseWriter: w, status: 200}
		if rc.answer != nil {
			rc.answer(n, got, rw)
		}
		got.status = rw.status
		rc.mu.Lock()
		rc.got = append(rc.got, got)
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// accepted are the POSTs the receiver answered 2xx.
func (rc *receiver) accepted() []received {
	var out []received
	for _, r := range rc.all() {
		if r.status >= 200 && r.status < 300 {
			out = append(out, r)
		}
	}
	return out
}

// validSignature checks a delivery's signature as a receiver would
// (without the age check: the clock is fake).
func validSignature(secret string, r received) bool {
	var ts, v1 string
	for _, part := range strings.Split(r.signature, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(r.body)))
	return ts != "" && hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(v1))
}

// env is a workspace with a custom channel (to make conversations the way
// production does), the webhook service with a guard allowing the
// receiver's 127.0.0.1, and a fake clock that moves when the test says.
type env struct {
	d     *db.DB
	clock *clock.Fake
	group *background.Group
	hub   *event.Hub
	ws    workspace.Workspace
	ch    channel.Channel
	convs *conversation.Service
	svc   *webhook.Service
	disp  *webhook.Dispatcher // the last one run
	msgs  int
}

func allowLocal() *netguard.Guard {
	return netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
}

func newEnv(t *testing.T, d *db.DB, opts webhook.Options) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{d: d, clock: clock.NewFake(start), hub: event.NewHub()}
	d.SetClock(e.clock)
	d.OnEvents(e.hub.Notify)
	e.group = background.NewGroup(e.clock)
	var err error
	if e.ws, err = workspace.New(d).Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(custom.Config{BaseURL: "https://integrator.example.com"})
	if e.ch, err = channel.New(d).Create(ctx, e.ws.ID, channel.Input{Type: channel.TypeCustom, Name: "site", Config: cfg}); err != nil {
		t.Fatal(err)
	}
	e.convs = conversation.New(d)
	if opts.Guard == nil {
		opts.Guard = allowLocal()
	}
	e.svc = webhook.New(d, opts)
	return e
}

// endpoint adds an endpoint for the receiver wanting types.
func (e *env) endpoint(t *testing.T, rc *receiver, types ...string) webhook.Endpoint {
	t.Helper()
	url := rc.srv.URL + "/hook"
	ep, err := e.svc.Create(context.Background(), e.ws.ID, webhook.Input{URL: &url, EventTypes: &types})
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// write has a contact write in; it returns the conversation.
func (e *env) write(t *testing.T, external, text string) int64 {
	t.Helper()
	e.msgs++
	res, err := e.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID,
		ChannelID: e.ch.ID, ExternalID: external, ProviderMessageID: "in-" + strconv.Itoa(e.msgs), Type: "text", Text: text}})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].ConversationID
}

// run starts a dispatcher; the function returned (also run at cleanup)
// stops it and waits for it.
func (e *env) run(t *testing.T, opts webhook.DispatcherOptions) func() {
	t.Helper()
	opts.Group, opts.Hub = e.group, e.hub
	disp := e.svc.NewDispatcher(opts)
	e.disp = disp
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.group.StartAll()
	go func() { defer close(done); disp.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	// The consumer's cursor starts at the log's newest event when it
	// first runs: let it, before the test appends any.
	e.idle(t)
	return stop
}

func (e *env) idle(t *testing.T) { backgroundtest.WaitIdle(t, e.group) }

// until lets the dispatchers work, moving the clock to each next due time
// whenever they are idle, until cond holds.
func (e *env) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 500 {
		e.idle(t)
		if cond() {
			return
		}
		next, ok := e.clock.Next()
		if !ok {
			t.Fatalf("%s: not yet, and nothing more is due at %s; deliveries: %s", what, e.clock.Now(), e.dump(t))
		}
		e.clock.Set(next)
	}
	t.Fatalf("%s: never", what)
}

// eventsOf returns the ids of the log's events of the types, in order.
func (e *env) eventsOf(t *testing.T, types ...event.Type) []event.Event {
	t.Helper()
	list, err := event.List(context.Background(), e.d.Reader(), event.Filter{WorkspaceID: e.ws.ID, Types: types, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// delivery reads a delivery's state columns.
func (e *env) deliveryState(t *testing.T, endpointID, eventID int64) (state string, attempts int) {
	t.Helper()
	if err := e.d.Reader().QueryRow(context.Background(), `SELECT state, attempts FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = ?`,
		endpointID, eventID).Scan(&state, &attempts); err != nil {
		t.Fatal(err)
	}
	return state, attempts
}

func stringsContains(s, sub string) bool { return strings.Contains(s, sub) }

func pageOf(n int) page.Request { return page.Request{Limit: n} }

// run2 runs another engine (the notification consumer) until the test ends.
func (e *env) run2(t *testing.T, run func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.group.StartAll()
	go func() { defer close(done); run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// dump describes the deliveries, for a failure message.
func (e *env) dump(t *testing.T) string {
	rows, err := e.d.Reader().Query(context.Background(), `SELECT id, event_id, state, attempts, next_attempt_at, lease_until, last_error FROM webhook_deliveries ORDER BY id`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, ev, next, lease int64
		var state, lastErr string
		var attempts int
		rows.Scan(&id, &ev, &state, &attempts, &next, &lease, &lastErr)
		fmt.Fprintf(&b, "\n  #%d event %d %s after %d, next %s, lease %d, %s", id, ev, state, attempts, db.Time(next), lease, lastErr)
	}
	return b.String()
}

// attempts reads the dispatcher's switchboard_webhook_attempts_total by outcome.
func attempts(t *testing.T, d *webhook.Dispatcher) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(d.Collector())
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "switchboard_webhook_attempts_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			out[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	return out
}
