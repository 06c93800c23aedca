package telegram

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// testBotToken is the bot token of test channels, shaped like a real one.
const testBotToken = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// fixture is a workspace with a Telegram channel, and the webhook served
// over real HTTP as the node mounts it.
type fixture struct {
	db       *db.DB
	ws       workspace.Workspace
	ch       channel.Channel
	channels *channel.Service
	convs    *conversation.Service
	m        *metrics.Metrics
	srv      *httptest.Server
}

// newFixture builds the fixture on d; receiver, when not nil, stands in
// for the conversation service's Receive.
func newFixture(t *testing.T, d *db.DB, receiver channel.Receiver) *fixture {
	t.Helper()
	f := &fixture{db: d, ws: channeltest.Workspace(t, d), channels: testService(t, d), m: metrics.New(), convs: conversation.New(d)}
	f.ch = f.newChannel(t, "http://127.0.0.1:1")
	if receiver == nil {
		receiver = f.convs
	}
	f.srv = channeltest.Serve(t, channel.Inbox{Channels: f.channels, Receiver: receiver, Metrics: f.m})
	return f
}

// testService is a channel service as a node builds it: the Telegram
// provider registered, secrets sealed with a key.
func testService(t testing.TB, d *db.DB) *channel.Service {
	return channeltest.Service(t, d, New(nil))
}

// newChannel adds a Telegram channel of the workspace whose Bot API is at
// apiURL.
func (f *fixture) newChannel(t *testing.T, apiURL string) channel.Channel {
	t.Helper()
	cfg, _ := json.Marshal(Config{BotToken: testBotToken, APIBaseURL: apiURL})
	ch, err := f.channels.Create(context.Background(), f.ws.ID, channel.Input{Type: Type, Name: "bot", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// url is the webhook URL of channel id.
func (f *fixture) url(id int64) string {
	return f.srv.URL + "/webhooks/telegram/" + strconv.FormatInt(id, 10)
}

// post delivers body to url with the secret header ("" for none) and
// returns the status and the decoded answer.
func (f *fixture) post(t *testing.T, url, secret, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// deliver posts a fixture as Telegram does and requires a 200.
func (f *fixture) deliver(t *testing.T, name string) map[string]any {
	t.Helper()
	status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, string(update(t, name)))
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %v", name, status, out)
	}
	return out
}

// rows counts the rows of every table a webhook writes to.
func rows(t *testing.T, d *db.DB) map[string]int { return channeltest.Rows(t, d) }
