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
	call := channel.ProbeCall{Client: p.client, Timeout: ProbeTimeout, Address: "the Graph API address", BaseURL: "the Graph API base URL"}
	return call.Send(ctx, http.MethodGet, nil, res, func(req *http.Request) {
		req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	})
}
