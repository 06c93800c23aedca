package viber

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// fixture is a workspace with a Viber channel, and the webhook served
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
	f := &fixture{db: d, ws: channeltest.Workspace(t, d), channels: channeltest.Service(t, d, New(nil)), m: metrics.New(), convs: conversation.New(d)}
	f.ch = f.newChannel(t, testAuthToken, "http://127.0.0.1:1")
	if receiver == nil {
		receiver = f.convs
	}
	f.srv = channeltest.Serve(t, channel.Inbox{Channels: f.channels, Receiver: receiver, Metrics: f.m})
	return f
}

// newChannel adds a Viber channel of the workspace with the auth token,
// whose API is at apiURL.
func (f *fixture) newChannel(t *testing.T, token, apiURL string) channel.Channel {
	t.Helper()
	cfg, _ := json.Marshal(Config{AuthToken: token, SenderName: "Acme Support", APIBaseURL: apiURL})
	ch, err := f.channels.Create(context.Background(), f.ws.ID, channel.Input{Type: Type, Name: "bot", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// url is the webhook URL of channel id.
func (f *fixture) url(id int64) string {
	return f.srv.URL + "/webhooks/viber/" + strconv.FormatInt(id, 10)
}

// reply is a webhook's answer.
type reply struct {
	status int
	raw    string
	body   map[string]any
}

// post delivers body to url with the signature header ("" for none).
func (f *fixture) post(t *testing.T, url, signature string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(SignatureHeader, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := reply{status: resp.StatusCode, raw: string(raw)}
	json.Unmarshal(raw, &out.body)
	return out
}

// deliver posts a fixture signed as Viber signs it and requires a 200.
func (f *fixture) deliver(t *testing.T, name string) reply {
	t.Helper()
	body := callback(t, name)
	r := f.post(t, f.url(f.ch.ID), Sign(testAuthToken, body), body)
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", name, r.status, r.raw)
	}
	return r
}

// callback reads testdata/callbacks/<name>.json.
func callback(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "callbacks", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rows counts the rows of every table a webhook writes to.
func rows(t *testing.T, d *db.DB) map[string]int { return channeltest.Rows(t, d) }

// testChannel is a Viber channel as the webhook sees it, for tests
// without a store.
var testChannel = channel.Channel{ID: 7, WorkspaceID: 3, Type: Type, Config: json.RawMessage(`{"sender_name":"Acme Support"}`),
	SecretConfig: map[string]string{"auth_token": testAuthToken}}
