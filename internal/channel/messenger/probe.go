package messenger

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// Probe tests the channel's token: GET <graph>/<version>/me?fields=id,name,
// which answers the page (or account) the token belongs to, or the Graph
// API's error (an expired or revoked token).
func (pr *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	cfg, err := configOf(ch)
	if err != nil || cfg.AccessToken == "" {
		return channel.ProbeResult{Error: "the channel has no page access token configured"}
	}
	res := channel.ProbeResult{URL: cfg.endpoint("/me?fields=id,name")}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	start := time.Now()
	a, err := pr.call(ctx, http.MethodGet, res.URL, cfg.AccessToken, nil)
	res.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		switch {
		case outbound.IsPermanent(err):
			res.Error = outbound.Reason(err)
		case errors.Is(err, context.DeadlineExceeded):
			res.Error = "no answer within " + ProbeTimeout.String()
		default:
			res.Error = limit.Storable(unwrapURLError(err).Error(), 300)
		}
		return res
	}
	res.Status, res.OK = a.status, a.ok()
	res.Body = limit.Storable(limit.CutBytes(string(a.body), channel.MaxProbeBody), channel.MaxProbeBody)
	return res
}

// unwrapURLError drops Go's "Get \"url\": " prefix of a client error.
func unwrapURLError(err error) error {
	var u interface{ Unwrap() error }
	if errors.As(err, &u) {
		if inner := u.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
