// Package viber is the Viber channel: a bot of the REST Bot API. Viber
// posts callbacks to the channel's webhook (registered by set_webhook
// when the channel is saved, Connect), each signed in
// X-Viber-Content-Signature with the bot's authentication token;
// messages go out through send_message, files by their URL, with quick
// replies as a keyboard of reply buttons whose presses come back as the
// contact's text.
package viber

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Type is the Viber channel's type name.
const Type = "viber"

// Provider is the Viber channel type.
type Provider struct {
	// HTTP is the node's guarded client, for every API call and media
	// download.
	HTTP *http.Client
	// Timeout bounds one API call (0: DefaultTimeout).
	Timeout time.Duration
}

var (
	_ channel.Provider     = (*Provider)(nil)
	_ channel.Connector    = (*Provider)(nil)
	_ channel.Replacer     = (*Provider)(nil)
	_ channel.Prober       = (*Provider)(nil)
	_ channel.MediaFetcher = (*Provider)(nil)
)

// New returns the Viber provider, calling the API through client, the
// node's guarded client (nil: one that allows no private network).
func New(client *http.Client) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Provider{HTTP: client}
}

// client is an API client of the bot configured.
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

// Capabilities implements channel.Provider: quick replies become a
// keyboard of reply buttons; pictures, videos and files go by URL (an
// audio file as a file), and so does a location. A bot may write to a
// subscriber at any time, so there is no window; but only to a
// subscriber: a user who never wrote, or who unsubscribed, cannot be
// reached (send_message answers receiverNotSubscribed, a permanent
// failure).
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:  true,
		Buttons:       MaxButtons,
		Attachments:   []string{"image", "video", "audio", "file", "location"},
		MaxTextLength: MaxTextLength,
	}
}

// MapStatus implements channel.Provider: Viber's receipts are delivered,
// seen and failed; a message is sent when send_message answers status 0.
func (*Provider) MapStatus(s string) (string, bool) { return mapStatus(s) }

// mapStatus maps a receipt's event to a delivery status.
func mapStatus(s string) (string, bool) {
	switch s {
	case EventDelivered:
		return channel.StatusDelivered, true
	case EventSeen:
		return channel.StatusRead, true
	case EventFailed:
		return channel.StatusFailed, true
	}
	return "", false
}

// Webhooks implements channel.Provider: one URL per channel,
// /webhooks/viber/{channelID}, which Connect registers.
func (p *Provider) Webhooks(in channel.Inbox) []channel.Route {
	return []channel.Route{{Method: http.MethodPost, Pattern: channel.WebhookPattern(Type, ""), Handler: NewWebhook(in)}}
}

// Send implements channel.Provider.
func (p *Provider) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	return p.send(ctx, ch, contactExternalID, msg)
}
