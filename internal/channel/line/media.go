package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// errPreparing: LINE is still preparing a video or audio for download;
// the fetch is tried again later.
var errPreparing = errors.New("line: LINE is still preparing the file for download")

// FetchMedia implements channel.MediaFetcher. A file LINE holds (ref is
// the message's id) is downloaded from the content API, GET
// <data_api_base_url>/v2/bot/message/{messageId}/content, with the
// channel's token; a video or audio only once LINE says it is prepared
// (…/content/transcoding: "processing" is tried again later, "failed" is
// permanent). A file an external provider holds (ref is its URL) is
// downloaded from there, without the token. LINE keeps users' files for
// a limited time: a 404 (gone) or another 4xx but 429 fails for good.
func (p *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	cfg, ok := configOf(ch)
	if !ok {
		return channel.FetchedMedia{}, outbound.Permanent("the channel has no channel access token configured")
	}
	c := p.client(cfg)
	var req *http.Request
	var err error
	if strings.HasPrefix(ref.Ref, "https://") || strings.HasPrefix(ref.Ref, "http://") {
		// The body outlives this call: the caller reads and closes it, so
		// the request carries the caller's context, not a timeout of ours.
		if req, err = http.NewRequestWithContext(ctx, http.MethodGet, ref.Ref, nil); err != nil {
			return channel.FetchedMedia{}, outbound.Permanent("the file's URL is not usable")
		}
		return download(req, ref, func(r *http.Request) (*http.Response, error) { return send(c.http, r) })
	}
	if ref.Ref == "" {
		return channel.FetchedMedia{}, outbound.Permanent("the attachment names no LINE message")
	}
	id := url.PathEscape(ref.Ref)
	if ref.Kind == "video" || ref.Kind == "audio" {
		if err := prepared(ctx, c, id); err != nil {
			return channel.FetchedMedia{}, err
		}
	}
	if req, err = http.NewRequestWithContext(ctx, http.MethodGet, c.dataURL("/v2/bot/message/"+id+"/content"), nil); err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the channel's content API URL is not usable")
	}
	return download(req, ref, c.do)
}

// prepared asks whether LINE has prepared a video or audio for download.
func prepared(ctx context.Context, c *client, id string) error {
	a, err := c.call(ctx, http.MethodGet, c.dataURL("/v2/bot/message/"+id+"/content/transcoding"), nil, nil)
	if err != nil {
		return err
	}
	if !a.ok() {
		return classify("content preparation", a)
	}
	var st struct {
		Status string `json:"status"`
	}
	json.Unmarshal(a.body, &st)
	switch st.Status {
	case "succeeded":
		return nil
	case "failed":
		return outbound.Permanent("LINE could not prepare the file for download")
	}
	return errPreparing
}

// download gets the file of req with do, and answers its body.
func download(req *http.Request, ref conversation.MediaRef, do func(*http.Request) (*http.Response, error)) (channel.FetchedMedia, error) {
	resp, err := do(req)
	if err != nil {
		return channel.FetchedMedia{}, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err := fmt.Errorf("line: download: HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		switch {
		case resp.StatusCode == http.StatusAccepted:
			// Accepted, not served: the file is not ready yet.
			return channel.FetchedMedia{}, errPreparing
		case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout:
			return channel.FetchedMedia{}, fmt.Errorf("%w: %w", outbound.Permanent(fmt.Sprintf("LINE no longer serves the file (HTTP %d)", resp.StatusCode)), err)
		}
		return channel.FetchedMedia{}, err
	}
	ct := ref.ContentType
	if h := resp.Header.Get("Content-Type"); h != "" && !strings.HasPrefix(h, "application/octet-stream") {
		ct = h
	}
	return channel.FetchedMedia{Body: resp.Body, ContentType: ct, FileName: ref.FileName}, nil
}
