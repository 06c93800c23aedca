package channel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// cloudAPI is the WhatsApp Cloud API's messages endpoint of one phone
// number: it records each body and answers {"success":true}, or Meta's
// error while refuse is set; while hold is set, each request tells
// entered and waits for hold to close before it answers.
type cloudAPI struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  []map[string]any
	refuse  bool
	hold    chan struct{}
	entered chan struct{}
}

func newCloudAPI(t *testing.T) *cloudAPI {
	g := &cloudAPI{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v21.0/106540352242922/messages" || r.Header.Get("Authorization") != "Bearer EAAG-token" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var body map[string]any
		raw, _ := io.ReadAll(r.Body)
		json.Unmarshal(raw, &body)
		g.mu.Lock()
		g.bodies = append(g.bodies, body)
		refuse, hold, entered := g.refuse, g.hold, g.entered
		g.mu.Unlock()
		if hold != nil {
			entered <- struct{}{}
			<-hold
		}
		w.Header().Set("Content-Type", "application/json")
		if refuse {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"fbtrace_id":"A1b2"}}`)
			return
		}
		io.WriteString(w, `{"success":true}`)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *cloudAPI) calls() []map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]map[string]any(nil), g.bodies...)
}

// signsWorld is a workspace with a WhatsApp channel on a local Cloud API
// and a custom channel, a conversation on each (the WhatsApp contact wrote
// twice), and the node's signs on a fake clock, each call's end told.
type signsWorld struct {
	t              *testing.T
	d              *db.DB
	g              *cloudAPI
	ws             int64
	wa             channel.Channel
	convs          *conversation.Service
	waConv, cuConv conversation.Conversation
	fake           *clock.Fake
	signs          *channel.Signs
	done           chan struct{}
}

func newSignsWorld(t *testing.T, d *db.DB) *signsWorld {
	ctx := context.Background()
	w := &signsWorld{t: t, d: d, g: newCloudAPI(t), convs: conversation.New(d), done: make(chan struct{}, 16)}
	channels := channeltest.Service(t, d, whatsapp.New(channeltest.LoopbackClient()), custom.New(nil))
	ws := channeltest.Workspace(t, d)
	w.ws = ws.ID
	var err error
	w.wa, err = channels.Create(ctx, ws.ID, channel.Input{Type: whatsapp.Type, Name: "WhatsApp", Config: json.RawMessage(`{
		"phone_number_id":"106540352242922","business_account_id":"102290129340398","access_token":"EAAG-token",
		"app_secret":"6f1a0c4d2b9e8a7f","api_base_url":"` + w.g.URL + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	cu, err := channels.Create(ctx, ws.ID, channel.Input{Type: custom.Type, Name: "Custom", Config: json.RawMessage(`{"base_url":"https://integrator.example"}`)})
	if err != nil {
		t.Fatal(err)
	}
	received := w.receive(
		conversation.Inbound{ChannelID: w.wa.ID, ExternalID: "16505551234", ProviderMessageID: "wamid.first", Text: "Hello"},
		conversation.Inbound{ChannelID: w.wa.ID, ExternalID: "16505551234", ProviderMessageID: "wamid.second", Text: "Anyone?"},
		conversation.Inbound{ChannelID: cu.ID, ExternalID: "+33612345678", ProviderMessageID: "c-1", Text: "Bonjour"})
	w.waConv, w.cuConv = w.get(received[0].ConversationID), w.get(received[2].ConversationID)
	w.fake = clock.NewFake(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	w.signs = channel.NewSigns(channels, d, w.fake)
	w.signs.OnSignCallDone(func() { w.done <- struct{}{} })
	return w
}

// receive stores text messages from contacts.
func (w *signsWorld) receive(items ...conversation.Inbound) []conversation.Received {
	w.t.Helper()
	for i := range items {
		items[i].Kind, items[i].WorkspaceID, items[i].Type = conversation.KindMessage, w.ws, "text"
	}
	received, err := w.convs.Receive(context.Background(), items)
	if err != nil {
		w.t.Fatal(err)
	}
	return received
}

func (w *signsWorld) get(id int64) conversation.Conversation {
	w.t.Helper()
	c, err := w.convs.Get(context.Background(), access.System(w.ws), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// waitCall waits for a sign's call to end.
func (w *signsWorld) waitCall(what string) {
	w.t.Helper()
	select {
	case <-w.done:
	case <-time.After(30 * time.Second):
		w.t.Fatalf("%s: the provider call never ended", what)
	}
}

// noCall checks that no call was started: the signs start none when they
// decide so without a look at the store.
func (w *signsWorld) noCall(what string) {
	w.t.Helper()
	select {
	case <-w.done:
		w.t.Fatalf("%s: a provider call was made", what)
	default:
	}
}

// want checks how many requests the Cloud API got.
func (w *signsWorld) want(what string, n int) {
	w.t.Helper()
	if got := len(w.g.calls()); got != n {
		w.t.Fatalf("%s: %d calls to the Cloud API, want %d", what, got, n)
	}
}

// An agent typing shows the contact WhatsApp's typing indicator on their
// newest message, once per the sign's life however often the agent's
// socket renews "start"; a channel without a sign calls nothing; a
// refusal is not asked again at once; a closed conversation shows none.
func TestTypingSigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newSignsWorld(t, d)
		g, signs, fake, waConv, cuConv := w.g, w.signs, w.fake, w.waConv, w.cuConv
		waitCall, noCall, want := w.waitCall, w.noCall, w.want

		signs.Typing(waConv, true)
		waitCall("first start")
		want("first start", 1)
		if b := g.calls()[0]; b["message_id"] != "wamid.second" || b["status"] != "read" || b["typing_indicator"].(map[string]any)["type"] != "text" {
			t.Errorf("%v", b)
		}
		for range 7 { // renewals every 3 s: the 25-second sign still shows
			fake.Advance(3 * time.Second)
			signs.Typing(waConv, true)
		}
		noCall("renewals within the sign's life")
		fake.Advance(2 * time.Second) // 23 s after the first: 2.5 s before it ends
		signs.Typing(waConv, true)
		waitCall("renewal near the end")
		want("renewal near the end", 2)

		signs.Typing(waConv, false) // WhatsApp cannot take it down: nothing to call
		waitCall("stop")
		want("stop", 2)
		signs.Typing(waConv, true) // stopped, then typing again: shown again
		waitCall("start after a stop")
		want("start after a stop", 3)

		signs.Typing(cuConv, true)
		waitCall("a custom channel")
		fake.Advance(30 * time.Second)
		signs.Typing(cuConv, true)
		noCall("a custom channel again")
		want("a custom channel", 3)

		g.mu.Lock()
		g.refuse = true
		g.mu.Unlock()
		fake.Advance(time.Minute)
		signs.Typing(waConv, true)
		waitCall("refused")
		want("refused", 4)
		fake.Advance(30 * time.Second)
		signs.Typing(waConv, true)
		noCall("refused, then at once")
		fake.Advance(31 * time.Second)
		signs.Typing(waConv, true)
		waitCall("refused, a minute later")
		want("refused, a minute later", 5)

		fake.Advance(time.Minute)
		waConv.Status = conversation.StatusClosed
		signs.Typing(waConv, true)
		noCall("closed")
	})
}

// A person reading a conversation tells the WhatsApp contact their newest
// message was read, once per message; a new message is told again; a
// custom channel calls nothing.
func TestReadSigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newSignsWorld(t, d)
		w.signs.Read(w.waConv)
		w.waitCall("first read")
		w.want("first read", 1)
		if b := w.g.calls()[0]; b["message_id"] != "wamid.second" || b["status"] != "read" || len(b) != 3 {
			t.Errorf("%v", b)
		}
		w.signs.Read(w.waConv)
		w.waitCall("read again")
		w.want("read again", 1)
		w.receive(conversation.Inbound{ChannelID: w.wa.ID, ExternalID: "16505551234", ProviderMessageID: "wamid.third", Text: "Hello?"})
		w.signs.Read(w.waConv)
		w.waitCall("a new message read")
		w.want("a new message read", 2)
		if b := w.g.calls()[1]; b["message_id"] != "wamid.third" {
			t.Errorf("%v", b)
		}
		w.signs.Read(w.cuConv)
		w.waitCall("a custom channel")
		w.want("a custom channel", 2)
	})
}

// A provider that does not answer holds up nobody: every sign returns at
// once, at most eight calls are in flight on the node, and a sign beyond
// them is skipped, not queued, its conversation asking again at the next
// renewal.
func TestSignsNeverWait(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	w := newSignsWorld(t, d)
	convs := []conversation.Conversation{w.waConv}
	for i := range 8 {
		got := w.receive(conversation.Inbound{ChannelID: w.wa.ID, ExternalID: fmt.Sprintf("1650555130%d", i),
			ProviderMessageID: fmt.Sprintf("wamid.other%d", i), Text: "Hello"})
		convs = append(convs, w.get(got[0].ConversationID))
	}
	hold := make(chan struct{})
	w.g.mu.Lock()
	w.g.hold, w.g.entered = hold, make(chan struct{}, len(convs))
	w.g.mu.Unlock()
	for _, c := range convs { // none of them waits for the Cloud API
		w.signs.Typing(c, true)
	}
	// None can end while the Cloud API holds them: those in flight are
	// all that were started.
	if n := w.signs.SignCallsInFlight(); n != 8 {
		t.Fatalf("%d calls in flight for %d signs, want 8", n, len(convs))
	}
	for range 8 {
		select {
		case <-w.g.entered:
		case <-time.After(30 * time.Second):
			t.Fatal("fewer than eight calls reached the Cloud API")
		}
	}
	close(hold)
	for i := range 8 {
		w.waitCall(fmt.Sprintf("call %d", i+1))
	}
	w.noCall("the ninth sign")
	w.want("eight in flight, the ninth skipped", 8)
	// Its conversation was not marked as shown: the next renewal, at the
	// same instant, asks; the eight others still show theirs.
	for _, c := range convs {
		w.signs.Typing(c, true)
	}
	w.waitCall("the ninth sign's renewal")
	w.want("the ninth sign's renewal", 9)
}
