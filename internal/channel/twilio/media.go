package twilio

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// MediaTimeout bounds the start of a media download (its headers); the
// caller bounds reading the body with its own context.
const MediaTimeout = 30 * time.Second

// FetchMedia implements channel.MediaFetcher: it GETs an MMS's MediaUrl
// (ref.Ref) with the account's credentials when the URL is Twilio's (the
// channel's API host, or a host under twilio.com), since accounts may
// require HTTP auth on media. Twilio answers with a redirect to its CDN;
// the redirect is followed through the guarded client and the
// credentials never go along: Go's client already drops Authorization
// when a redirect leaves the host and its subdomains, and this client
// drops it as soon as the host or port changes at all.
func (p *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	cfg, err := config(ch)
	if err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the SMS channel has no Twilio account configured")
	}
	u, err := url.Parse(ref.Ref)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return channel.FetchedMedia{}, outbound.Permanent("the media reference is not an http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the media URL is not usable: " + err.Error())
	}
	if cfg.AuthToken != "" && twilioHost(u, cfg.APIBaseURL) {
		req.SetBasicAuth(cfg.AccountSID, cfg.AuthToken)
	}
	client := *p.client
	guard := p.client.CheckRedirect
	client.CheckRedirect = func(next *http.Request, via []*http.Request) error {
		if guard != nil {
			if err := guard(next, via); err != nil {
				return err
			}
		} else if len(via) >= 10 {
			return errors.New("twilio: stopped after 10 redirects")
		}
		if next.URL.Host != via[0].URL.Host {
			next.Header.Del("Authorization")
		}
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return channel.FetchedMedia{}, fmt.Errorf("twilio: fetch media: %w", guardError(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		resp.Body.Close()
		err := fmt.Errorf("twilio: fetch media: HTTP %d", resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500 {
			return channel.FetchedMedia{}, err
		}
		return channel.FetchedMedia{}, fmt.Errorf("%w: %w", err, outbound.Permanent(fmt.Sprintf("Twilio no longer serves the media (HTTP %d)", resp.StatusCode)))
	}
	out := channel.FetchedMedia{Body: resp.Body, ContentType: resp.Header.Get("Content-Type")}
	if out.ContentType == "" {
		out.ContentType = ref.ContentType
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		out.FileName = params["filename"]
	}
	if out.FileName == "" {
		out.FileName = ref.FileName
	}
	return out, nil
}

// twilioHost reports whether u is served by Twilio: the channel's API
// host (a proxy's, or a test's) or a host under twilio.com.
func twilioHost(u *url.URL, apiBase string) bool {
	if base, err := url.Parse(apiBase); err == nil && strings.EqualFold(base.Host, u.Host) {
		return true
	}
	host := strings.ToLower(u.Hostname())
	return host == "twilio.com" || strings.HasSuffix(host, ".twilio.com")
}
