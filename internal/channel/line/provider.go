// Package line is the LINE channel: a LINE Official Account's Messaging
// API channel. LINE delivers webhook events to the channel's URL (set
// with the webhook endpoint API when the channel is saved, Connect),
// each signed in X-Line-Signature with the channel secret; messages go
// out with the push message API, idempotent by a retry key derived from
// the message, with quick replies as postback buttons whose presses come
// back as the contact's answer. Files contacts send are downloaded from
// the content API (api-data.line.me).
package line

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Type is the LINE channel's type name.
const Type = "line"

// Provider is the LINE channel type.
type Provider struct {
	// HTTP is the node's guarded client, for every Messaging API call.
	HTTP *http.Client
	// Timeout bounds one API call (0: DefaultTimeout).
	Timeout time.Duration

	profiled channel.AskedOnce
}

var (
	_ channel.Provider     = (*Provider)(nil)
	_ channel.Connector    = (*Provider)(nil)
	_ channel.Prober       = (*Provider)(nil)
	_ channel.MediaFetcher = (*Provider)(nil)
	_ channel.Typer        = (*Provider)(nil)
)

// New returns the LINE provider, calling LINE through client, the node's
// guarded client (nil: one that allows no private network).
func New(client *http.Client) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Provider{HTTP: client}
}

// client is a Messaging API client of the channel configured.
func (p *Provider) client(cfg Config) *client {
	return &client{http: p.HTTP, cfg: cfg, timeout: p.Timeout}
}

// Type implements channel.Provider.
func (*Provider) Type() string { return Type }

// Schema implements channel.Provider.
func (*Provider) Schema() channel.Schema { return schema }

// Validate implements channel.Provider.
func (*Provider) Validate(config json.RawMessage, check channel.Check) (json.RawMessage, error) {
	return validateConfig(config, check.Guard)
}

// Capabilities implements channel.Provider: up to 13 quick replies
// (postback buttons), images, videos and audio by their HTTPS URL (a
// file, a video without a preview image or an audio without its length
// go as a link), locations and stickers. A push reaches a user who added
// the account as a friend at any time, so there is no reply window; the
// pushes count against the account's monthly message quota.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:  true,
		Buttons:       MaxQuickReplies,
		Attachments:   []string{"image", "video", "audio", "location", "sticker"},
		MaxTextLength: MaxTextLength,
	}
}

// MapStatus implements channel.Provider. LINE reports no delivery or
// read receipts to a bot: a message is sent once the push is accepted.
func (*Provider) MapStatus(string) (string, bool) { return "", false }

// Webhooks implements channel.Provider: one URL per channel,
// /webhooks/line/{channelID}, which Connect registers.
func (p *Provider) Webhooks(in channel.Inbox) []channel.Route {
	return []channel.Route{{Method: http.MethodPost, Pattern: channel.WebhookPattern(Type, ""), Handler: newWebhook(p, in)}}
}

// Send implements channel.Provider.
func (p *Provider) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	return p.send(ctx, ch, contactExternalID, msg)
}
