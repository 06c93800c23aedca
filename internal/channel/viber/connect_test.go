package viber

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// Connect registers the webhook for the callbacks Switchboard reads, with
// the users' names and photos.
func TestConnectSetsWebhook(t *testing.T) {
	api := newFakeViber(t)
	hook := "https://switchboard.example.com/webhooks/viber/7"
	// Answered as queued: nobody serves the URL to answer the check.
	api.queue("set_webhook", 200, `{"status":0,"status_message":"ok","chat_hostname":"SN-CHAT-12_"}`)
	if err := api.provider().Connect(context.Background(), api.channel(), hook); err != nil {
		t.Fatal(err)
	}
	want := []apiCall{{"set_webhook", map[string]any{"url": hook, "send_name": true, "send_photo": true,
		"event_types": []any{"delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"}}}}
	if got := api.made(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %#v", got)
	}
	// Viber's refusal is the error, in its words, without the token.
	api.queue("set_webhook", 200, `{"status":1,"status_message":"Result[HttpRequest[POST http://insecure.example.com] error[Invalid URL]]"}`)
	err := api.provider().Connect(context.Background(), api.channel(), "http://insecure.example.com/webhooks/viber/7")
	if err == nil || !strings.Contains(err.Error(), "Invalid URL") || strings.Contains(err.Error(), testAuthToken) {
		t.Errorf("refused set_webhook: %v", err)
	}
}

// node is a channel service as a node builds it, with a public URL where
// its webhook routes are served, and the Viber provider allowed to reach
// the test's servers.
type node struct {
	channels *channel.Service
	srv      *httptest.Server
}

func newNode(t *testing.T, d *db.DB) node {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	reg, err := channel.NewRegistry(New(channeltest.LoopbackClient()))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	channels := channel.NewWithOptions(d, channel.Options{Registry: reg, Keys: keys, PublicURL: srv.URL})
	routes, err := reg.Routes(channel.Inbox{Channels: channels, Receiver: &channeltest.Recorder{}, Metrics: metrics.New()})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	return node{channels: channels, srv: srv}
}

// configJSON is a channel's configuration of token at api.
func configJSON(token string, api *fakeViber) json.RawMessage {
	cfg, _ := json.Marshal(Config{AuthToken: token, SenderName: "Acme Support", APIBaseURL: api.srv.URL})
	return cfg
}

// Saving a channel connects it, and set_webhook succeeds only because the
// channel's own webhook answers Viber's check: Viber posts the signed
// "webhook" callback to the URL within the call. A check signed with
// another key is refused by the webhook, and so set_webhook fails.
func TestConnectRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n := newNode(t, d)
		api := newFakeViber(t)
		ws := channeltest.Workspace(t, d)
		ch, err := n.channels.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "bot", Config: configJSON(testAuthToken, api)})
		if err != nil {
			t.Fatal(err)
		}
		hook := n.srv.URL + "/webhooks/viber/" + strconv.FormatInt(ch.ID, 10)
		if c := ch.Connection; c == nil || !c.OK || c.WebhookURL != hook {
			t.Fatalf("connection %+v", c)
		}
		if got, checks := api.hook(); !reflect.DeepEqual(checks, []int{200}) || got != hook {
			t.Errorf("checks %v, webhook %q", checks, got)
		}

		api.signChecksWith("0000000000000000-0000000000000000-0000000000000000")
		res, err := n.channels.Connect(ctx, ws.ID, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, checks := api.hook(); res.OK || !strings.Contains(res.Error, "Webhook check failed") || checks[len(checks)-1] != http.StatusUnauthorized {
			t.Errorf("a check signed with another key: %+v, checks %v", res, checks)
		}
	})
}

// A new token is another bot's: the replaced bot's webhook, still this
// channel's, is removed with the old token before the new bot is
// connected; a bot since moved elsewhere is left alone, and the same
// token changes nothing.
func TestReplacedRemovesTheOldWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n := newNode(t, d)
		oldBot := newFakeViber(t)
		const newToken = "5a1b2c3d4e5f6a7b-8c9d0e1f2a3b4c5d-6e7f8a9b0c1d2e3f"
		newBot := newFakeViberOf(t, newToken)
		ws := channeltest.Workspace(t, d)
		ch, err := n.channels.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "bot", Config: configJSON(testAuthToken, oldBot)})
		if err != nil || !ch.Connection.OK {
			t.Fatalf("create: %v %+v", err, ch.Connection)
		}
		up, err := n.channels.Update(ctx, ws.ID, ch.ID, channel.Input{Config: configJSON(newToken, newBot)})
		if err != nil || up.Connection == nil || !up.Connection.OK {
			t.Fatalf("update: %v %+v", err, up.Connection)
		}
		var methods []string
		for _, c := range oldBot.made() {
			methods = append(methods, c.Method+" "+asString(c.Body["url"]))
		}
		if want := []string{"set_webhook " + ch.WebhookURL, "get_account_info ", "set_webhook "}; !reflect.DeepEqual(methods, want) {
			t.Errorf("old bot's calls %q, want %q", methods, want)
		}
		if got, _ := newBot.hook(); got != ch.WebhookURL {
			t.Errorf("the new bot's webhook is %q", got)
		}
		// Back to the old bot, which meanwhile serves another webhook:
		// the new bot's webhook (this channel's) is removed, the old
		// bot's left alone.
		oldBot.setHook("https://elsewhere.example.com/hook")
		before := len(newBot.made())
		if _, err := n.channels.Update(ctx, ws.ID, ch.ID, channel.Input{Config: configJSON(testAuthToken, oldBot)}); err != nil {
			t.Fatal(err)
		}
		if calls := newBot.made()[before:]; len(calls) != 2 || calls[1].Method != "set_webhook" || calls[1].Body["url"] != "" {
			t.Errorf("new bot's calls %+v", calls)
		}
		// The same token again (a renamed sender): no removal.
		before = len(oldBot.made())
		cfg, _ := json.Marshal(map[string]string{"sender_name": "Acme Help", "api_base_url": oldBot.srv.URL})
		if _, err := n.channels.Update(ctx, ws.ID, ch.ID, channel.Input{Config: cfg}); err != nil {
			t.Fatal(err)
		}
		if calls := oldBot.made()[before:]; len(calls) != 1 || calls[0].Method != "set_webhook" || calls[0].Body["url"] != ch.WebhookURL {
			t.Errorf("same token's calls %+v", calls)
		}
	})
}

func asString(v any) string { s, _ := v.(string); return s }

// The connection test is get_account_info: OK with the bot's details when
// the token is right; not OK when Viber answers invalidAuthToken, though
// with HTTP 200.
func TestProbe(t *testing.T) {
	api := newFakeViber(t)
	res := api.provider().Probe(context.Background(), api.channel())
	if !res.OK || res.Status != 200 || !strings.Contains(res.Body, `"name":"Acme Support"`) || res.URL != api.srv.URL+"/pa/get_account_info" {
		t.Errorf("probe %+v", res)
	}
	if calls := api.made(); len(calls) != 1 || calls[0].Method != "get_account_info" || len(calls[0].Body) != 0 {
		t.Errorf("calls %+v", calls)
	}
	ch := api.channel()
	ch.SecretConfig = map[string]string{"auth_token": "0000000000000000-0000000000000000-0000000000000000"}
	res = api.provider().Probe(context.Background(), ch)
	if res.OK || res.Status != 200 || !strings.Contains(res.Error, "invalidAuthToken (status 2)") {
		t.Errorf("wrong token %+v", res)
	}
	res = New(nil).Probe(context.Background(), api.channel())
	if res.OK || !strings.Contains(res.Error, netguard.AllowFlag) {
		t.Errorf("guarded %+v", res)
	}
	api.srv.Close()
	if res = api.provider().Probe(context.Background(), api.channel()); res.OK || res.Error == "" {
		t.Errorf("closed %+v", res)
	}
}
