package custom

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

// fixture is a workspace with a custom channel, and the webhook served
// over real HTTP on the two URLs of the route table.
type fixture struct {
	db       *db.DB
	ws       workspace.Workspace
	ch       channel.Channel
	channels *channel.Service
	convs    *conversation.Service
	m        *metrics.Metrics
	srv      *httptest.Server
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{db: d, ws: channeltest.Workspace(t, d), channels: testService(t, d), m: metrics.New()}
	f.ch = f.newChannel(t, "http://127.0.0.1:1")
	f.convs = conversation.New(d)
	// The routes as the node mounts them: from the registry.
	f.srv = channeltest.Serve(t, channel.Inbox{Channels: f.channels, Receiver: f.convs, Metrics: f.m})
	return f
}

// newChannel adds a custom channel of the workspace sending to baseURL.
func (f *fixture) newChannel(t *testing.T, baseURL string) channel.Channel {
	t.Helper()
	cfg, _ := json.Marshal(Config{BaseURL: baseURL})
	ch, err := f.channels.Create(context.Background(), f.ws.ID, channel.Input{Type: channel.TypeCustom, Name: "site", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// pathURL is the webhook URL of channel id in the path.
func (f *fixture) pathURL(id int64) string {
	return f.srv.URL + "/channels/custom/" + strconv.FormatInt(id, 10) + "/webhook"
}

// bodyURL is respond.io's URL, where the body names the channel.
func (f *fixture) bodyURL() string { return f.srv.URL + "/custom/channel/webhook" }

// post sends body with the Authorization header auth ("" for none) and
// returns the status and the decoded JSON answer.
func (f *fixture) post(t *testing.T, url, auth, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer %d is not JSON: %q", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// deliver posts body to the channel's path URL with its token and
// requires a 200, returning the results.
func (f *fixture) deliver(t *testing.T, body string) []conversation.Received {
	t.Helper()
	status, out := f.post(t, f.pathURL(f.ch.ID), "Bearer "+f.ch.Token, body)
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, out)
	}
	raw, _ := json.Marshal(out["results"])
	var res []conversation.Received
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// rows counts the rows of every table a webhook writes to.
func rows(t *testing.T, d *db.DB) map[string]int { return channeltest.Rows(t, d) }

// textEvent is a webhook body with one event of kind typ carrying text.
func textEvent(contactID, typ, mID, text string) string {
	return `{"contactId":"` + contactID + `","events":[{"type":"` + typ + `","mId":"` + mID + `","timestamp":1700000000000,` +
		`"message":{"type":"text","text":"` + text + `"}}]}`
}

// testService is a channel service as a node builds it: the custom
// provider registered, secrets sealed with a key.
func testService(t testing.TB, d *db.DB) *channel.Service {
	return channeltest.Service(t, d, New(nil))
}
