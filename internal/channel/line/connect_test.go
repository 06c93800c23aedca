package line

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Connect sets the channel's webhook URL with the token, then checks
// "Use webhook"; LINE's refusal is the error, in its words.
func TestConnectSetsWebhookEndpoint(t *testing.T) {
	api := newLineAPI(t)
	ch := api.channel()
	hook := "https://switchboard.example.com/webhooks/line/7"
	if err := api.provider().Connect(context.Background(), ch, hook); err != nil {
		t.Fatal(err)
	}
	calls := api.made()
	if len(calls) != 2 || calls[0].Method != http.MethodPut || calls[0].Path != "/v2/bot/channel/webhook/endpoint" ||
		len(calls[0].Body) != 1 || calls[0].Body["endpoint"] != hook || calls[0].RetryKey != "" ||
		calls[1].Method != http.MethodGet || calls[1].Path != "/v2/bot/channel/webhook/endpoint" {
		t.Errorf("calls %+v", calls)
	}
	// "Use webhook" off: the URL is set, and the error says what to do.
	api.queue("GET /v2/bot/channel/webhook/endpoint", http.StatusOK, `{"endpoint":"`+hook+`","active":false}`)
	if err := api.provider().Connect(context.Background(), ch, hook); err == nil || !strings.Contains(err.Error(), `"Use webhook" is off`) {
		t.Errorf("inactive: %v", err)
	}
	api.queue("PUT /v2/bot/channel/webhook/endpoint", http.StatusBadRequest,
		`{"message":"The request body has 1 error(s)","details":[{"message":"must be a valid HTTPS URL","property":"endpoint"}]}`)
	err := api.provider().Connect(context.Background(), ch, hook)
	if err == nil || !strings.Contains(err.Error(), "endpoint must be a valid HTTPS URL") || strings.Contains(err.Error(), testToken) {
		t.Errorf("refused: %v", err)
	}
	// An http URL is refused before LINE is asked.
	n := len(api.made())
	if err := api.provider().Connect(context.Background(), ch, "http://switchboard.example.com/webhooks/line/7"); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("http: %v", err)
	}
	if len(api.made()) != n {
		t.Error("an http URL was sent to LINE")
	}
}

// The connection test is GET /v2/bot/info: the bot when the token is
// right, 401 when not.
func TestProbe(t *testing.T) {
	api := newLineAPI(t)
	res := api.provider().Probe(context.Background(), api.channel())
	if !res.OK || res.Status != 200 || !strings.Contains(res.Body, `"displayName":"Acme Support"`) || res.URL != api.api.URL+"/v2/bot/info" {
		t.Errorf("probe %+v", res)
	}
	if calls := api.made(); len(calls) != 1 || calls[0].Method != http.MethodGet || calls[0].Path != "/v2/bot/info" {
		t.Errorf("calls %+v", calls)
	}
	ch := api.channel()
	ch.SecretConfig = map[string]string{fieldAccessToken: "wrong-token-wrong-token-wrong"}
	res = api.provider().Probe(context.Background(), ch)
	if res.OK || res.Status != 401 || !strings.Contains(res.Body, "Authentication failed") {
		t.Errorf("wrong token %+v", res)
	}
	res = New(nil).Probe(context.Background(), api.channel())
	if res.OK || !strings.Contains(res.Error, netguard.AllowFlag) {
		t.Errorf("guarded %+v", res)
	}
	api.api.Close()
	if res = api.provider().Probe(context.Background(), api.channel()); res.OK || res.Error == "" || strings.Contains(res.Error, testToken) {
		t.Errorf("closed %+v", res)
	}
}
