package outbound_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// integrator plays the integrator's server behind a custom channel: it
// records every POST /message and answers with the test's handler.
type integrator struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []request
	answer   func(n int, r request, w http.ResponseWriter) // n counts from 1
}

// request is one POST the integrator received.
type request struct {
	at             time.Time
	idempotencyKey string
	auth           string
	contactID      string
	text           string
}

func newIntegrator(t *testing.T, answer func(n int, r request, w http.ResponseWriter)) *integrator {
	t.Helper()
	in := &integrator{answer: answer}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ContactID string `json:"contactId"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		req := request{at: time.Now(), idempotencyKey: r.Header.Get("Idempotency-Key"), auth: r.Header.Get("Authorization"),
			contactID: body.ContactID, text: body.Message.Text}
		in.mu.Lock()
		in.requests = append(in.requests, req)
		n := len(in.requests)
		in.mu.Unlock()
		in.answer(n, req, w)
	}))
	t.Cleanup(in.srv.Close)
	return in
}

func (in *integrator) received() []request {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]request(nil), in.requests...)
}

// testSender is the custom channel's sender with a guard that lets it
// reach the test's integrator on 127.0.0.1, as the operator's
// --allow-private-networks does for an on-premises one.
func testSender() *custom.Sender {
	return custom.NewSender(netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client())
}

// env is a workspace with a custom channel pointing at an integrator, and
// the services around the outbound queue, as the app wires them, on a fake
// clock that moves only when the test says so.
type env struct {
	d     *db.DB
	clock *clock.Fake
	group *background.Group
	m     *metrics.Metrics
	ws    workspace.Workspace
	ch    channel.Channel
	convs *conversation.Service
}

func newEnv(t *testing.T, d *db.DB, in *integrator) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{d: d, clock: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), m: metrics.New()}
	d.SetClock(e.clock)
	e.group = background.NewGroup(e.clock)
	var err error
	if e.ws, err = workspace.New(d).Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(custom.Config{BaseURL: in.srv.URL})
	if e.ch, err = channel.New(d).Create(ctx, e.ws.ID, channel.Input{Type: channel.TypeCustom, Name: "site", Config: cfg}); err != nil {
		t.Fatal(err)
	}
	e.convs = conversation.New(d)
	return e
}

// conversation opens a conversation the way it happens in production: a
// contact writes in on the channel.
func (e *env) conversation(t *testing.T, external string) int64 {
	t.Helper()
	res, err := e.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: e.ws.ID,
		ChannelID: e.ch.ID, ExternalID: external, ProviderMessageID: "in-" + external, Type: "text", Text: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	return res[0].ConversationID
}

// send queues a reply in the conversation.
func (e *env) send(t *testing.T, conversationID int64, text string) conversation.Message {
	t.Helper()
	m, err := e.convs.Send(context.Background(), access.System(e.ws.ID), conversationID, conversation.SendInput{Text: text, Sender: conversation.SourceUser})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run starts a dispatcher with the real custom sender; the returned
// function (also run at cleanup) stops it and waits for Run to return.
func (e *env) run(t *testing.T, sender *custom.Sender, opts outbound.Options) func() {
	t.Helper()
	return e.runSender(t, map[string]outbound.Sender{channel.TypeCustom: sender}, opts)
}

// runSender is run with any senders.
func (e *env) runSender(t *testing.T, senders map[string]outbound.Sender, opts outbound.Options) func() {
	t.Helper()
	opts.Group = e.group
	disp := outbound.New(e.d, senders, e.m, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	e.group.StartAll()
	go func() { defer close(done); disp.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			<-done // bounded by the dispatcher's drain timeout
		})
	}
	t.Cleanup(stop)
	return stop
}

// idle waits until the dispatchers have done everything they can at the
// clock's current time: every due job attempted and its outcome recorded.
func (e *env) idle(t *testing.T) { backgroundtest.WaitIdle(t, e.group) }

// waitStatus lets the dispatchers work, moving the clock to each next due
// time (a retry, a lease ending) whenever they are idle, until the message
// has the status; it returns the message. It fails if they go idle with
// nothing left to wait for and the message is not there.
func (e *env) waitStatus(t *testing.T, id int64, status string) conversation.Message {
	t.Helper()
	for range 200 { // far more due times than any test sets up

		e.idle(t)
		m, err := e.convs.GetMessage(context.Background(), access.System(e.ws.ID), id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == status {
			return m
		}
		next, ok := e.clock.Next()
		if !ok {
			t.Fatalf("message %d is %s (%q) and nothing more is due; want %s", id, m.Status, m.FailureReason, status)
		}
		e.clock.Set(next)
	}
	t.Fatalf("message %d never reached %s: the dispatchers keep finding work", id, status)
	return conversation.Message{}
}

// jobOf returns the outbound job of a message.
type jobRow struct {
	state     string
	attempts  int
	lastError string
	lease     int64
}

func (e *env) jobOf(t *testing.T, messageID int64) jobRow {
	t.Helper()
	var j jobRow
	if err := e.d.Reader().QueryRow(context.Background(), `SELECT state, attempts, last_error, lease_until FROM outbound_jobs WHERE message_id = ?`,
		messageID).Scan(&j.state, &j.attempts, &j.lastError, &j.lease); err != nil {
		t.Fatal(err)
	}
	return j
}

func history(m conversation.Message) string {
	var s []string
	for _, h := range m.History {
		s = append(s, h.Status)
	}
	return strings.Join(s, " ")
}

// ok answers success with an mId derived from the idempotency key.
func ok(w http.ResponseWriter, r request) {
	fmt.Fprintf(w, `{"mId":"prov-%s"}`, r.idempotencyKey)
}

// tryLater answers a transient failure with the given status (5xx): the
// dispatcher retries.
func tryLater(w http.ResponseWriter, status int) {
	w.WriteHeader(status)
	fmt.Fprint(w, `{"error":{"message":"try later"}}`)
}
