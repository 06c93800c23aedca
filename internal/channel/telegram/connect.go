package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// AllowedUpdates are the update kinds setWebhook subscribes the bot to.
var AllowedUpdates = []string{"message", "edited_message", "callback_query"}

// Connect implements channel.Connector: setWebhook registers webhookURL
// with the channel's token as the secret_token Telegram will send back in
// X-Telegram-Bot-Api-Secret-Token, for the update kinds Switchboard reads.
// Telegram requires an HTTPS URL on port 443, 80, 88 or 8443; its refusal
// comes back as the error.
func (p *Provider) Connect(ctx context.Context, ch channel.Channel, webhookURL string) error {
	cfg, ok := configOf(ch)
	if !ok {
		return errors.New("telegram: the channel has no bot token configured")
	}
	if ch.Token == "" {
		return errors.New("telegram: the channel has no webhook secret token")
	}
	params := map[string]any{"url": webhookURL, "secret_token": ch.Token, "allowed_updates": AllowedUpdates}
	if err := p.client(cfg).call(ctx, "setWebhook", params, nil); err != nil {
		return fmt.Errorf("telegram: setWebhook: %s", outbound.Reason(err))
	}
	return nil
}

// Replaced implements channel.Replacer. A token of another bot (its id,
// before the colon, differs) leaves the replaced bot's webhook at this
// channel's URL with the channel's secret token, so that bot's chats
// would go on arriving here, and replies to them go out through the new
// bot, which cannot reach them: the old bot's webhook is deleted with its
// own token, when getWebhookInfo says it is still this channel's (a bot
// since moved elsewhere is left alone). A new token of the same bot needs
// nothing:
// setWebhook replaces its webhook. Best effort: a failure is logged.
func (p *Provider) Replaced(ctx context.Context, old, cur channel.Channel, webhookURL string) {
	was, ok := configOf(old)
	now, _ := configOf(cur)
	if !ok || botID(was.BotToken) == botID(now.BotToken) {
		return
	}
	c := p.client(was)
	var info struct {
		URL string `json:"url"`
	}
	err := c.call(ctx, "getWebhookInfo", map[string]any{}, &info)
	if err == nil && info.URL != webhookURL {
		return
	}
	if err == nil {
		err = c.call(ctx, "deleteWebhook", map[string]any{}, nil)
	}
	if err != nil {
		slog.Warn("telegram: the replaced bot's webhook could not be deleted", "channel_id", cur.ID,
			"reason", outbound.Reason(err))
	}
}

// botID is the bot's id in its token: what comes before the colon.
func botID(token string) string {
	id, _, _ := strings.Cut(token, ":")
	return id
}

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// Probe implements channel.Prober: getMe, the Bot API's "who am I",
// which answers the bot's own user when the token is right (401
// Unauthorized when it is not). The URL shown leaves the token out.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	cfg, ok := configOf(ch)
	res := channel.ProbeResult{URL: cfg.APIBaseURL + "/bot<bot-token>/getMe"}
	if !ok {
		res.Error = "the channel has no bot token configured"
		return res
	}
	c := p.client(cfg)
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.methodURL("getMe"), nil)
	if err != nil {
		res.Error = "the channel's Bot API URL is not usable"
		return res
	}
	start := time.Now()
	resp, err := c.do(req)
	res.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		res.Error = limit.Storable(outbound.Reason(err), 300)
		return res
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, channel.MaxProbeBody))
	res.LatencyMS = time.Since(start).Milliseconds()
	res.Status = resp.StatusCode
	res.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	res.Body = limit.Storable(c.scrub(string(answer)), channel.MaxProbeBody)
	return res
}

// tgFile is the File getFile answers.
type tgFile struct {
	FileID   string `json:"file_id"`
	FileSize int64  `json:"file_size"`
	FilePath string `json:"file_path"`
}

// FetchMedia implements channel.MediaFetcher: getFile turns the file_id
// into a file_path, then the file is downloaded from
// <api_base_url>/file/bot<token>/<file_path>. The Bot API serves files
// up to 20 MB; a larger one is refused by getFile ("file is too big"),
// which is permanent. No error names the download URL, which holds the
// token.
func (p *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	cfg, ok := configOf(ch)
	if !ok {
		return channel.FetchedMedia{}, outbound.Permanent("the channel has no bot token configured")
	}
	c := p.client(cfg)
	var f tgFile
	if err := c.call(ctx, "getFile", map[string]any{"file_id": ref.Ref}, &f); err != nil {
		return channel.FetchedMedia{}, err
	}
	if f.FilePath == "" {
		return channel.FetchedMedia{}, outbound.Permanent("Telegram gave no file path for the file")
	}
	// The body outlives this call: the caller reads and closes it, so the
	// request carries the caller's context, not a timeout of ours.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.fileURL(f.FilePath), nil)
	if err != nil {
		return channel.FetchedMedia{}, outbound.Permanent("the file's path is not usable")
	}
	resp, err := c.do(req)
	if err != nil {
		return channel.FetchedMedia{}, fmt.Errorf("telegram: download: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err := fmt.Errorf("telegram: download: HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
			return channel.FetchedMedia{}, fmt.Errorf("%w: %w", outbound.Permanent(fmt.Sprintf("Telegram refused the file download (HTTP %d)", resp.StatusCode)), err)
		}
		return channel.FetchedMedia{}, err
	}
	ct := ref.ContentType
	if h := resp.Header.Get("Content-Type"); h != "" && !strings.HasPrefix(h, "application/octet-stream") {
		ct = h
	}
	name := ref.FileName
	if name == "" {
		name = path.Base(f.FilePath)
	}
	return channel.FetchedMedia{Body: resp.Body, ContentType: ct, FileName: name}, nil
}
