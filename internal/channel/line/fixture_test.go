package line

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

// testChannel is the channel fixtures are parsed for.
var testChannel = channel.Channel{ID: 7, WorkspaceID: 3, Type: Type}

// The ids the fixtures carry.
const (
	testUser  = "U206d25c2ea6bd87c17655609a1c37cb8"
	testGroup = "Ca56f94637cc4347f90a25382909b24b9"
)

// events reads testdata/events/<name>.json, a webhook body as LINE sends it.
func events(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture is a workspace with a LINE channel whose API is a lineAPI, and
// the webhook served over real HTTP as the node mounts it.
type fixture struct {
	db       *db.DB
	ws       workspace.Workspace
	api      *lineAPI
	ch       channel.Channel
	channels *channel.Service
	m        *metrics.Metrics
	srv      *httptest.Server
}

// newFixture builds the fixture on d; receiver, when not nil, stands in
// for the conversation service's Receive.
func newFixture(t *testing.T, d *db.DB, receiver channel.Receiver) *fixture {
	t.Helper()
	f := &fixture{db: d, ws: channeltest.Workspace(t, d), api: newLineAPI(t), m: metrics.New()}
	f.channels = channeltest.Service(t, d, New(channeltest.LoopbackClient()))
	f.ch = f.newChannel(t, testSecret)
	if receiver == nil {
		receiver = conversation.New(d)
	}
	f.srv = channeltest.Serve(t, channel.Inbox{Channels: f.channels, Receiver: receiver, Metrics: f.m})
	return f
}

// newChannel adds a LINE channel of the workspace with the channel
// secret, its API the fixture's.
func (f *fixture) newChannel(t *testing.T, secret string) channel.Channel {
	t.Helper()
	cfg := f.api.config()
	cfg.ChannelSecret = secret
	raw, _ := json.Marshal(cfg)
	ch, err := f.channels.Create(context.Background(), f.ws.ID, channel.Input{Type: Type, Name: "LINE", Config: raw})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// url is the webhook URL of channel id.
func (f *fixture) url(id int64) string {
	return f.srv.URL + "/webhooks/line/" + strconv.FormatInt(id, 10)
}

// post delivers body to url with the signature header ("" for none) and
// returns the status and the decoded answer.
func (f *fixture) post(t *testing.T, url, signature, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if signature != "" {
		req.Header.Set(SignatureHeader, signature)
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

// deliver posts a fixture signed as LINE signs it and requires a 200.
func (f *fixture) deliver(t *testing.T, name string) map[string]any {
	t.Helper()
	body := events(t, name)
	status, out := f.post(t, f.url(f.ch.ID), Sign(testSecret, body), string(body))
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %v", name, status, out)
	}
	return out
}

// rows counts the rows of every table a webhook writes to.
func rows(t *testing.T, d *db.DB) map[string]int { return channeltest.Rows(t, d) }
