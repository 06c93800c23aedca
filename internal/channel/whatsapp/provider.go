// Package whatsapp is the WhatsApp Cloud API channel: Meta's webhooks
// (verify handshake, X-Hub-Signature-256, messages and statuses) parsed
// into the receive path, and messages, reply buttons, lists, media and
// approved templates sent through the Graph API.
package whatsapp

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Type is the WhatsApp channel's type name.
const Type = "whatsapp"

// What a WhatsApp message may carry (Cloud API reference, "Messages").
const (
	// MaxTextLength is the longest text message body.
	MaxTextLength = 4096
	// MaxButtons is how many reply buttons an interactive message has.
	MaxButtons = 3
	// MaxButtonTitle is the longest reply button title.
	MaxButtonTitle = 20
	// MaxButtonBody is the longest body of a reply-button message.
	MaxButtonBody = 1024
	// MaxListRows is how many rows an interactive list has in all.
	MaxListRows = 10
	// MaxRowTitle is the longest list row title.
	MaxRowTitle = 24
	// MaxReplyID is the longest id of a button or a row.
	MaxReplyID = 200
	// WindowSeconds is the customer-service window: free-form messages
	// may be sent until 24 hours after the contact's last message; after
	// it, only approved templates.
	WindowSeconds = 24 * 60 * 60
)

// Provider is the WhatsApp Cloud API channel.
type Provider struct {
	client *http.Client
}

var (
	_ channel.Provider       = (*Provider)(nil)
	_ channel.MediaFetcher   = (*Provider)(nil)
	_ channel.Prober         = (*Provider)(nil)
	_ channel.TemplateSyncer = (*Provider)(nil)
	_ channel.Addresser      = (*Provider)(nil)
)

// New returns the provider, calling the Graph API through client, the
// node's guarded client (nil: one that allows no private network).
func New(client *http.Client) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Provider{client: client}
}

// Type implements channel.Provider.
func (*Provider) Type() string { return Type }

// Schema implements channel.Provider.
func (*Provider) Schema() channel.Schema { return schema }

// Validate implements channel.Provider.
func (*Provider) Validate(config json.RawMessage, check channel.Check) (json.RawMessage, error) {
	return validateConfig(config, check.Guard)
}

// Capabilities implements channel.Provider.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:       true,
		Buttons:            MaxButtons,
		ListItems:          MaxListRows,
		Attachments:        []string{"image", "video", "audio", "file", "sticker", "location"},
		Templates:          true,
		ReplyWindowSeconds: WindowSeconds,
		ReplyWindowRule:    "template",
		MaxTextLength:      MaxTextLength,
	}
}

// statuses maps WhatsApp's status names to ours: they are the same.
var statuses = map[string]string{
	"sent":      channel.StatusSent,
	"delivered": channel.StatusDelivered,
	"read":      channel.StatusRead,
	"failed":    channel.StatusFailed,
}

func mapStatus(s string) (string, bool) {
	st, ok := statuses[s]
	return st, ok
}

// MapStatus implements channel.Provider.
func (*Provider) MapStatus(s string) (string, bool) { return mapStatus(s) }

// AddressedBy implements channel.Addresser: a business may write first
// to any WhatsApp number (with an approved template: the window is
// closed until the contact answers).
func (*Provider) AddressedBy() string { return conversation.AddressPhone }

// ExternalIDOf implements channel.Addresser: WhatsApp names a contact by
// their wa_id, the number without its "+".
func (*Provider) ExternalIDOf(phone string) string { return strings.TrimPrefix(phone, "+") }

// Webhooks implements channel.Provider: one URL, GET for Meta's
// subscription check and POST for deliveries.
func (*Provider) Webhooks(in channel.Inbox) []channel.Route {
	h := NewWebhook(in.Channels, in.Receiver, in.Metrics)
	pattern := channel.WebhookPattern(Type, "")
	return []channel.Route{
		{Method: http.MethodGet, Pattern: pattern, Handler: h},
		{Method: http.MethodPost, Pattern: pattern, Handler: h},
	}
}

// Send implements channel.Provider (send.go).
func (p *Provider) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	return p.send(ctx, ch, contactExternalID, msg)
}
