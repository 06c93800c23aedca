package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// MaxMediaBytes are WhatsApp's documented size limits per attachment
// kind (Cloud API reference, "Supported media types"): what a contact can
// send and what the Cloud API accepts.
var MaxMediaBytes = map[string]int64{
	"image":   5 << 20,
	"video":   16 << 20,
	"audio":   16 << 20,
	"file":    100 << 20,
	"sticker": 500 << 10, // animated; a static sticker is at most 100 KB
}

// MediaLimit is the size limit of an attachment kind (the document's,
// 100 MB, for a kind WhatsApp does not name).
func MediaLimit(kind string) int64 {
	if n, ok := MaxMediaBytes[kind]; ok {
		return n
	}
	return MaxMediaBytes["file"]
}

// mediaInfo is the Graph API's answer about a media id.
type mediaInfo struct {
	URL      string          `json:"url"`
	MimeType string          `json:"mime_type"`
	FileSize json.RawMessage `json:"file_size"` // a number, or a string of one
	ID       string          `json:"id"`
}

func (m mediaInfo) size() int64 {
	raw := strings.Trim(string(m.FileSize), `"`)
	n, _ := strconv.ParseInt(raw, 10, 64)
	return n
}

// FetchMedia implements channel.MediaFetcher: GET {base}/{version}/{media
// id} with the access token gives a short-lived URL, which is fetched
// with the token again (WhatsApp requires it on the download). A media id
// WhatsApp no longer has (it keeps media 30 days), or a file over the
// kind's limit, fails for good.
func (p *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	s, err := load(ch)
	if err != nil || s.AccessToken == "" {
		return channel.FetchedMedia{}, outbound.Permanent("the channel has no access token configured")
	}
	if ref.Ref == "" || strings.ContainsAny(ref.Ref, "/?#") {
		return channel.FetchedMedia{}, outbound.Permanent("not a WhatsApp media id")
	}
	answer, err := p.call(ctx, http.MethodGet, s.graphURL(ref.Ref), s.AccessToken, nil)
	if err != nil {
		return channel.FetchedMedia{}, fmt.Errorf("fetch media %s: %w", ref.Ref, err)
	}
	var info mediaInfo
	if json.Unmarshal(answer, &info) != nil || info.URL == "" {
		return channel.FetchedMedia{}, fmt.Errorf("whatsapp: fetch media %s: the Graph API answered without a URL", ref.Ref)
	}
	if max := MediaLimit(ref.Kind); info.size() > max {
		return channel.FetchedMedia{}, outbound.Permanent(fmt.Sprintf("the file is %d bytes; WhatsApp's limit for %s is %d", info.size(), ref.Kind, max))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.URL, nil)
	if err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the media URL WhatsApp gave is not usable")
	}
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	resp, err := p.client.Do(req)
	if err != nil {
		return channel.FetchedMedia{}, clientError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		err := fmt.Errorf("whatsapp: download media %s: HTTP %d", ref.Ref, resp.StatusCode)
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone || resp.StatusCode == http.StatusForbidden {
			return channel.FetchedMedia{}, fmt.Errorf("%w: %s", outbound.Permanent(fmt.Sprintf("WhatsApp no longer has the file (HTTP %d)", resp.StatusCode)), body)
		}
		return channel.FetchedMedia{}, err
	}
	ct := info.MimeType
	if ct == "" {
		ct = resp.Header.Get("Content-Type")
	}
	name := ref.FileName
	if name == "" {
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
			name = params["filename"]
		}
	}
	return channel.FetchedMedia{Body: resp.Body, ContentType: ct, FileName: name}, nil
}
