// Package twilio is the SMS and WhatsApp channel through Twilio's
// Programmable Messaging: inbound SMS, MMS and WhatsApp messages on a
// signed form-encoded webhook, status callbacks of outbound messages,
// sends through the Messages API, media fetched from Twilio with the
// account's credentials, and a connection test against the account. A
// channel carries one medium (Config.Medium).
package twilio

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Type is the SMS channel's type name.
const Type = "twilio"

// MaxTextLength is the longest body Twilio accepts, in characters.
const MaxTextLength = 1600

// Provider is the Twilio SMS channel.
type Provider struct {
	client *http.Client
	// publicURL is the node's public address (--public-url): the base of
	// the webhook URLs Twilio calls and signs, unless a channel names its
	// own webhook_base_url.
	publicURL string
}

var (
	_ channel.Provider     = (*Provider)(nil)
	_ channel.Prober       = (*Provider)(nil)
	_ channel.MediaFetcher = (*Provider)(nil)
	_ channel.WebhookBaser = (*Provider)(nil)
	_ channel.Addresser    = (*Provider)(nil)
	_ channel.Windowed     = (*Provider)(nil)
)

// WhatsAppWindow is WhatsApp's customer-service window: free-form
// messages may be sent until 24 hours after the contact's last message.
const WhatsAppWindow = 24 * 60 * 60

// New returns the provider, calling Twilio through client, the node's
// guarded client (nil: one that allows no private network); publicURL is
// the node's public address ("" when not configured).
func New(client *http.Client, publicURL string) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Provider{client: client, publicURL: strings.TrimRight(publicURL, "/")}
}

// Type implements channel.Provider.
func (*Provider) Type() string { return Type }

// Schema implements channel.Provider.
func (*Provider) Schema() channel.Schema { return schema }

// Validate implements channel.Provider.
func (*Provider) Validate(config json.RawMessage, check channel.Check) (json.RawMessage, error) {
	return validateConfig(config, check.Guard)
}

// Capabilities implements channel.Provider: SMS has no buttons or lists
// (quick replies are sent as numbered lines), MMS carries images, video,
// audio and files, a body is at most 1,600 characters, and there is no
// reply window.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		Attachments:   []string{"image", "video", "audio", "file"},
		MaxTextLength: MaxTextLength,
	}
}

// Window implements channel.Windowed: a WhatsApp channel keeps WhatsApp's
// 24-hour window, past which only approved templates go (free text is
// refused before Twilio is called, where Twilio would answer error
// 63016). SMS has none.
func (*Provider) Window(ch channel.Channel) channel.Window {
	var c Config
	if json.Unmarshal(ch.Config, &c) == nil && c.Medium == MediumWhatsApp {
		return channel.Window{Seconds: WhatsAppWindow, Rule: conversation.MessageTypeTemplate}
	}
	return channel.Window{}
}

// MapStatus implements channel.Provider.
func (*Provider) MapStatus(s string) (string, bool) {
	st, ok := statuses[strings.ToLower(s)]
	return st, ok
}

// AddressedBy implements channel.Addresser: an SMS may be sent first to
// any number.
func (*Provider) AddressedBy() string { return conversation.AddressPhone }

// ExternalIDOf implements channel.Addresser: Twilio's From is the E.164
// number, as contacts store it.
func (*Provider) ExternalIDOf(phone string) string { return phone }

// Webhooks implements channel.Provider.
func (p *Provider) Webhooks(in channel.Inbox) []channel.Route {
	kit := channel.NewWebhookKit(Type, in)
	return []channel.Route{
		{Method: http.MethodPost, Pattern: channel.WebhookPattern(Type, ""),
			Handler: &webhook{p: p, kit: kit}},
		{Method: http.MethodPost, Pattern: channel.WebhookPattern(Type, "/status"),
			Handler: &webhook{p: p, kit: kit, status: true}},
	}
}

// WebhookBase implements channel.WebhookBaser: a channel's
// webhook_base_url is where Twilio reaches it, so the webhook URL to
// paste at Twilio is under it.
func (*Provider) WebhookBase(ch channel.Channel) string {
	var c Config
	json.Unmarshal(ch.Config, &c)
	return c.WebhookBaseURL
}
