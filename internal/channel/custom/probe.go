package custom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// probe is the body of a connection test: POST <base_url>/message with
// the channel's bearer token, as a message is sent, but with
// "type": "probe" and no contact or message, so an integrator can tell it
// apart and answer without sending anything (docs/api.md, "Test
// connection").
type probe struct {
	Type      string `json:"type"`
	ChannelID string `json:"channelId"`
}

var _ channel.Prober = (*Provider)(nil)

// Probe sends the connection test through the guarded client and reports
// the integrator's status, latency and the start of its answer, or the
// network error.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	var cfg Config
	if err := json.Unmarshal(ch.Config, &cfg); err != nil || cfg.BaseURL == "" {
		return channel.ProbeResult{Error: "the channel has no base URL configured"}
	}
	res := channel.ProbeResult{URL: strings.TrimRight(cfg.BaseURL, "/") + "/message"}
	body, _ := json.Marshal(probe{Type: "probe", ChannelID: strconv.FormatInt(ch.ID, 10)})
	client := p.sender.Client
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	call := channel.ProbeCall{Client: client, Timeout: ProbeTimeout, Address: "the channel's base URL", NetworkError: networkError}
	return call.Send(ctx, http.MethodPost, bytes.NewReader(body), res, func(req *http.Request) {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+ch.Token)
		req.Header.Set("X-Switchboard-Probe", "1")
	})
}

// networkError is the part of a client error worth showing: the cause,
// without Go's "Post \"url\": " prefix.
func networkError(err error) string {
	var uerr interface{ Unwrap() error }
	if errors.As(err, &uerr) {
		if inner := uerr.Unwrap(); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}
