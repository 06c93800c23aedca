package viber

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// FetchMedia implements channel.MediaFetcher: it GETs the media URL of a
// contact's picture, video, file or sticker (ref.Ref) through the node's
// guarded client. Viber's media links need no credentials, and the
// authentication token is never sent with them: the link's host is
// Viber's CDN, not the API. They last an hour, so a link Viber no longer
// serves (a 4xx) is permanent. The caller reads the body, bounded by its
// size limit, and closes it; the request carries the caller's context,
// which the body outlives no more than it does.
func (p *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	u, err := url.Parse(ref.Ref)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return channel.FetchedMedia{}, outbound.Permanent("the media reference is not an http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the media URL is not usable")
	}
	resp, err := do(p.HTTP, req, "the media URL")
	if err != nil {
		return channel.FetchedMedia{}, fmt.Errorf("viber: fetch media: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		resp.Body.Close()
		err := fmt.Errorf("viber: fetch media: HTTP %d", resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500 {
			return channel.FetchedMedia{}, err
		}
		return channel.FetchedMedia{}, fmt.Errorf("%w: %w", err,
			outbound.Permanent(fmt.Sprintf("Viber no longer serves the media (HTTP %d): its links last an hour", resp.StatusCode)))
	}
	out := channel.FetchedMedia{Body: resp.Body, ContentType: ref.ContentType, FileName: ref.FileName}
	if h := resp.Header.Get("Content-Type"); h != "" && !strings.HasPrefix(h, "application/octet-stream") {
		out.ContentType = h
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && out.FileName == "" {
		out.FileName = params["filename"]
	}
	return out, nil
}
