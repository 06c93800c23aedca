package messenger

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// FetchMedia downloads an attachment from the CDN URL the webhook gave
// (MediaRef.Ref): no credentials are needed, and the call goes through
// the guarded client like every other. A URL that has expired (403, 404,
// 410) fails for good; other errors are retried.
func (pr *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	if !strings.HasPrefix(ref.Ref, "https://") && !strings.HasPrefix(ref.Ref, "http://") {
		return channel.FetchedMedia{}, outbound.Permanent("the attachment has no http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ref.Ref, nil)
	if err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the attachment's URL is not usable")
	}
	resp, err := pr.client.Do(req)
	if err != nil {
		return channel.FetchedMedia{}, fmt.Errorf("%s: fetch media: %w", pr.p.typ, networkError(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		resp.Body.Close()
		err := fmt.Errorf("%s: fetch media: the CDN answered %d", pr.p.typ, resp.StatusCode)
		switch resp.StatusCode {
		case http.StatusForbidden, http.StatusNotFound, http.StatusGone:
			return channel.FetchedMedia{}, fmt.Errorf("%w: %w", outbound.Permanent(fmt.Sprintf("the attachment is no longer available (HTTP %d)", resp.StatusCode)), err)
		}
		return channel.FetchedMedia{}, err
	}
	name := ref.FileName
	if name == "" {
		name = fileName(ref.Ref)
	}
	return channel.FetchedMedia{Body: resp.Body, ContentType: resp.Header.Get("Content-Type"), FileName: name}, nil
}
