package custom

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Type is the custom channel's type name.
const Type = channel.TypeCustom

// Provider is the custom channel (respond.io's custom-channel format):
// an integrator's server speaks to Switchboard over two webhook URLs and
// receives outbound messages at its base URL.
type Provider struct {
	sender *Sender
}

var _ channel.Provider = (*Provider)(nil)

// New returns the custom channel provider, sending through client, the
// node's guarded client (nil: one that allows no private network).
func New(client *http.Client) *Provider { return &Provider{sender: NewSender(client)} }

// Type implements channel.Provider.
func (*Provider) Type() string { return Type }

// Schema implements channel.Provider.
func (*Provider) Schema() channel.Schema { return schema }

// Validate implements channel.Provider.
func (*Provider) Validate(config json.RawMessage, check channel.Check) (json.RawMessage, error) {
	return validateConfig(config, check.Guard)
}

// Capabilities implements channel.Provider: the integrator decides what
// reaches the contact, so the channel carries everything respond.io's
// format can say and sets no window.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:  true,
		Attachments:   []string{"image", "video", "audio", "file", "location"},
		MaxTextLength: conversation.MaxTextLen,
	}
}

// statuses maps respond.io's status names to ours: they are the same.
var statuses = map[string]string{
	StatusSent:      channel.StatusSent,
	StatusDelivered: channel.StatusDelivered,
	StatusRead:      channel.StatusRead,
	StatusFailed:    channel.StatusFailed,
}

// MapStatus implements channel.Provider.
func (*Provider) MapStatus(s string) (string, bool) {
	st, ok := statuses[s]
	return st, ok
}

// Webhooks implements channel.Provider: the URLs the custom channel had
// before providers existed.
func (*Provider) Webhooks(in channel.Inbox) []channel.Route {
	h := NewWebhook(in.Channels, in.Receiver, in.Metrics)
	return []channel.Route{
		{Method: http.MethodPost, Pattern: "/channels/custom/{channelID}/webhook", Handler: h},
		{Method: http.MethodPost, Pattern: "/custom/channel/webhook", Handler: h},
		// respond.io documents its URL with a trailing slash; accept both so
		// an integration ports by changing only the base URL.
		{Method: http.MethodPost, Pattern: "/custom/channel/webhook/{$}", Handler: h},
	}
}

// Send implements channel.Provider.
func (p *Provider) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	return p.sender.Send(ctx, ch, contactExternalID, msg)
}
