package twilio

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

const (
	testAccount = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testToken   = "f4d5e6a7b8c9d0e1f2a3b4c5d6e7f8a9"
	testFrom    = "+14155550100"
	testService = "MGbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// testChannel is a stored-looking SMS channel on the API at base.
func testChannel(base string, mutate ...func(*Config)) channel.Channel {
	c := Config{AccountSID: testAccount, From: testFrom, APIBaseURL: base}
	for _, m := range mutate {
		m(&c)
	}
	raw, _ := json.Marshal(c)
	return channel.Channel{ID: 7, WorkspaceID: 1, Type: Type, Config: raw, SecretConfig: map[string]string{"auth_token": testToken}}
}

// fixtureForm reads a form fixture of testdata.
func fixtureForm(t testing.TB, name string) url.Values {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return form
}

func fixtureBytes(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// fixture is a workspace with an SMS channel, its webhooks served over
// real HTTP as the node mounts them.
type fixture struct {
	db       *db.DB
	ws       workspace.Workspace
	ch       channel.Channel
	channels *channel.Service
	convs    *conversation.Service
	srv      *httptest.Server
}

func newFixture(t *testing.T, d *db.DB, publicURL string, mutate ...func(*Config)) *fixture {
	t.Helper()
	ws := channeltest.Workspace(t, d)
	f := &fixture{db: d, ws: ws, channels: channeltest.Service(t, d, New(channeltest.LoopbackClient(), publicURL)), convs: conversation.New(d)}
	cfg := map[string]string{"account_sid": testAccount, "auth_token": testToken, "from": testFrom}
	c := Config{}
	for _, m := range mutate {
		m(&c)
	}
	if c.WebhookBaseURL != "" {
		cfg["webhook_base_url"] = c.WebhookBaseURL
	}
	if c.Medium != "" {
		cfg["medium"] = c.Medium
	}
	raw, _ := json.Marshal(cfg)
	var err error
	if f.ch, err = f.channels.Create(context.Background(), ws.ID, channel.Input{Type: Type, Name: "SMS", Config: raw}); err != nil {
		t.Fatal(err)
	}
	f.srv = channeltest.Serve(t, channel.Inbox{Channels: f.channels, Receiver: f.convs, Metrics: metrics.New()})
	return f
}

// path is the channel's webhook path plus rest.
func (f *fixture) path(rest string) string {
	return "/webhooks/twilio/" + strconv.FormatInt(f.ch.ID, 10) + rest
}

// answer is a webhook's answer.
type answer struct {
	status  int
	ctype   string
	ignored string
	body    string
}

// post sends a form to the node at path, signed as Twilio would sign it
// for signedURL with token (no header when token is "").
func (f *fixture) post(t *testing.T, path string, form url.Values, signedURL, token string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if token != "" {
		req.Header.Set(SignatureHeader, Signature(token, signedURL, form))
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), ignored: resp.Header.Get(IgnoredHeader), body: string(raw)}
}

// deliver posts a correctly signed form to the node's own URL and wants 200.
func (f *fixture) deliver(t *testing.T, path string, form url.Values) answer {
	t.Helper()
	a := f.post(t, path, form, f.srv.URL+path, testToken)
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	return a
}

// rows counts the rows of every table a webhook writes to.
func rows(t *testing.T, d *db.DB) map[string]int { return channeltest.Rows(t, d) }

// ioNop is a request body of s.
func ioNop(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
