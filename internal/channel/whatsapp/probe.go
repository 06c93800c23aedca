package whatsapp

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
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
	call := channel.ProbeCall{Client: p.client, Timeout: ProbeTimeout, Address: "the Graph API address"}
	return call.Do(req, res)
}
