package whatsapp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// Probe implements channel.Prober: GET {base}/{version}/{phone_number_id}
// with the access token, which answers the number's display_phone_number
// and verified_name when the id and the token are right.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	s, err := load(ch)
	if err != nil || s.PhoneNumberID == "" || s.AccessToken == "" {
		return channel.ProbeResult{Error: "the channel has no phone number id or access token configured"}
	}
	res := channel.ProbeResult{URL: s.graphURL(s.PhoneNumberID) + "?fields=display_phone_number,verified_name"}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, res.URL, nil)
	if err != nil {
		res.Error = "the Graph API base URL is not usable: " + err.Error()
		return res
	}
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	start := time.Now()
	resp, err := p.client.Do(req)
	res.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		var denied *netguard.DeniedError
		switch {
		case errors.As(err, &denied):
			res.Error = "the Graph API address: " + denied.Reason()
		case errors.Is(err, context.DeadlineExceeded):
			res.Error = "no answer within " + ProbeTimeout.String()
		default:
			res.Error = limit.Storable(err.Error(), 300)
		}
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
