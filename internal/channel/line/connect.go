package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// maxWebhookURLLen is the longest webhook URL LINE takes.
const maxWebhookURLLen = 500

// Connect implements channel.Connector: PUT /v2/bot/channel/webhook/endpoint
// {endpoint} makes LINE deliver the channel's events to webhookURL, which
// must be HTTPS. Then GET on the same endpoint says whether "Use webhook"
// is on: an API cannot turn it on, so when it is off the error says to
// turn it on in the LINE Developers Console (the URL is set all the same).
func (p *Provider) Connect(ctx context.Context, ch channel.Channel, webhookURL string) error {
	cfg, ok := configOf(ch)
	if !ok {
		return errors.New("line: the channel has no channel access token configured")
	}
	if !strings.HasPrefix(webhookURL, "https://") {
		return fmt.Errorf("line: LINE delivers webhooks only to https URLs, not %q: set the node's public URL to its https address", webhookURL)
	}
	if len(webhookURL) > maxWebhookURLLen {
		return fmt.Errorf("line: the webhook URL is longer than LINE's %d characters", maxWebhookURLLen)
	}
	c := p.client(cfg)
	endpoint := c.apiURL("/v2/bot/channel/webhook/endpoint")
	a, err := c.call(ctx, http.MethodPut, endpoint, map[string]string{"endpoint": webhookURL}, nil)
	if err == nil && !a.ok() {
		err = classify("set webhook endpoint", a)
	}
	if err != nil {
		return fmt.Errorf("line: set webhook endpoint: %s", outbound.Reason(err))
	}
	a, err = c.call(ctx, http.MethodGet, endpoint, nil, nil)
	if err != nil || !a.ok() {
		return nil // the URL is set; whether it is in use is only advice
	}
	var info struct {
		Endpoint string `json:"endpoint"`
		Active   *bool  `json:"active"`
	}
	if json.Unmarshal(a.body, &info) == nil && info.Active != nil && !*info.Active {
		return errors.New(`line: the webhook URL is set, but "Use webhook" is off: turn it on in the LINE Developers Console (Messaging API tab) so that LINE delivers messages`)
	}
	return nil
}

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// Probe implements channel.Prober: GET /v2/bot/info, the bot's name and
// ids when the access token is right (401 when it is not). The channel
// secret cannot be tested this way: a wrong one shows as webhooks
// refused with 401.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	cfg, ok := configOf(ch)
	c := p.client(cfg)
	res := channel.ProbeResult{URL: c.apiURL("/v2/bot/info")}
	if !ok {
		res.Error = "the channel has no channel access token configured"
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, res.URL, nil)
	if err != nil {
		res.Error = "the channel's Messaging API URL is not usable"
		return res
	}
	start := time.Now()
	resp, err := c.do(req)
	res.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		res.Error = limit.Storable(outbound.Reason(err), 300)
		return res
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, channel.MaxProbeBody))
	res.LatencyMS = time.Since(start).Milliseconds()
	res.Status = resp.StatusCode
	res.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	res.Body = limit.Storable(string(answer), channel.MaxProbeBody)
	return res
}
