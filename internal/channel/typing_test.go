package channel_test

import (
	"context"
	"encoding/json"
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
// error while refuse is set.
type cloudAPI struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
	refuse bool
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
		refuse := g.refuse
		g.mu.Unlock()
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

// An agent typing shows the contact WhatsApp's typing indicator on their
// newest message, once per the sign's life however often the agent's
// socket renews "start"; a channel without a sign calls nothing; a
// refusal is not asked again at once; a closed conversation shows none.
func TestTypingSigns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := newCloudAPI(t)
		channels := channeltest.Service(t, d, whatsapp.New(channeltest.LoopbackClient()), custom.New(nil))
		ws := channeltest.Workspace(t, d)
		wa, err := channels.Create(ctx, ws.ID, channel.Input{Type: whatsapp.Type, Name: "WhatsApp", Config: json.RawMessage(`{
			"phone_number_id":"106540352242922","business_account_id":"102290129340398","access_token":"EAAG-token",
			"app_secret":"6f1a0c4d2b9e8a7f","api_base_url":"` + g.URL + `"}`)})
		if err != nil {
			t.Fatal(err)
		}
		cu, err := channels.Create(ctx, ws.ID, channel.Input{Type: custom.Type, Name: "Custom", Config: json.RawMessage(`{"base_url":"https://integrator.example"}`)})
		if err != nil {
			t.Fatal(err)
		}
		convs := conversation.New(d)
		received, err := convs.Receive(ctx, []conversation.Inbound{
			{Kind: conversation.KindMessage, WorkspaceID: ws.ID, ChannelID: wa.ID, ExternalID: "16505551234", ProviderMessageID: "wamid.first", Type: "text", Text: "Hello"},
			{Kind: conversation.KindMessage, WorkspaceID: ws.ID, ChannelID: wa.ID, ExternalID: "16505551234", ProviderMessageID: "wamid.second", Type: "text", Text: "Anyone?"},
			{Kind: conversation.KindMessage, WorkspaceID: ws.ID, ChannelID: cu.ID, ExternalID: "+33612345678", ProviderMessageID: "c-1", Type: "text", Text: "Bonjour"},
		})
		if err != nil {
			t.Fatal(err)
		}
		get := func(id int64) conversation.Conversation {
			c, err := convs.Get(ctx, access.System(ws.ID), id)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		waConv, cuConv := get(received[0].ConversationID), get(received[2].ConversationID)

		fake := clock.NewFake(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
		signs := channel.NewTypingSigns(channels, d, fake)
		done := make(chan struct{}, 16)
		signs.OnTypingCallDone(func() { done <- struct{}{} })
		waitCall := func(what string) {
			t.Helper()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: the provider call never ended", what)
			}
		}
		noCall := func(what string) {
			t.Helper()
			select {
			case <-done:
				t.Fatalf("%s: a provider call was made", what)
			default:
			}
		}
		want := func(what string, n int) {
			t.Helper()
			if got := len(g.calls()); got != n {
				t.Fatalf("%s: %d calls to the Cloud API, want %d", what, got, n)
			}
		}

		signs.Show(waConv)
		waitCall("first start")
		want("first start", 1)
		if b := g.calls()[0]; b["message_id"] != "wamid.second" || b["status"] != "read" || b["typing_indicator"].(map[string]any)["type"] != "text" {
			t.Errorf("%v", b)
		}
		for range 7 { // renewals every 3 s: the 25-second sign still shows
			fake.Advance(3 * time.Second)
			signs.Show(waConv)
		}
		noCall("renewals within the sign's life")
		fake.Advance(2 * time.Second) // 23 s after the first: 2.5 s before it ends
		signs.Show(waConv)
		waitCall("renewal near the end")
		want("renewal near the end", 2)

		signs.Hide(waConv) // WhatsApp cannot take it down: nothing to call
		waitCall("stop")
		want("stop", 2)
		signs.Show(waConv) // stopped, then typing again: shown again
		waitCall("start after a stop")
		want("start after a stop", 3)

		signs.Show(cuConv)
		waitCall("a custom channel")
		fake.Advance(30 * time.Second)
		signs.Show(cuConv)
		noCall("a custom channel again")
		want("a custom channel", 3)

		g.mu.Lock()
		g.refuse = true
		g.mu.Unlock()
		fake.Advance(time.Minute)
		signs.Show(waConv)
		waitCall("refused")
		want("refused", 4)
		fake.Advance(30 * time.Second)
		signs.Show(waConv)
		noCall("refused, then at once")
		fake.Advance(31 * time.Second)
		signs.Show(waConv)
		waitCall("refused, a minute later")
		want("refused, a minute later", 5)

		fake.Advance(time.Minute)
		waConv.Status = conversation.StatusClosed
		signs.Show(waConv)
		noCall("closed")
	})
}
