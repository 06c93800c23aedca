// Package messenger holds two providers that share Meta's Messenger
// Platform: Facebook Messenger (type "messenger", a Facebook Page) and
// Instagram messaging (type "instagram", an Instagram professional
// account). Both receive the same webhook format (entry[].messaging[],
// signed with X-Hub-Signature-256) and send through the same Send API;
// a platform value says where they differ: the webhook's object, the id
// the channel is configured with, the text limit and what may be sent.
package messenger

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// The channel types.
const (
	TypeMessenger = "messenger"
	TypeInstagram = "instagram"
)

// Window lengths of Meta's messaging policy.
const (
	// StandardWindow: free messages up to 24 hours after the contact's
	// last message.
	StandardWindow int64 = 24 * 60 * 60
	// HumanAgentWindow: with the HUMAN_AGENT tag (a page or account whose
	// app has the Human Agent permission), up to 7 days.
	HumanAgentWindow int64 = 7 * 24 * 60 * 60
	// TagHumanAgent is the message tag of the extended window.
	TagHumanAgent = "HUMAN_AGENT"
	// MaxQuickReplies is how many quick replies a message may carry, on
	// both platforms.
	MaxQuickReplies = 13
	// MaxQuickReplyTitle is the longest quick reply title, in characters.
	MaxQuickReplyTitle = 20
)

// platform is what differs between Messenger and Instagram.
type platform struct {
	typ    string
	name   string // as people read it
	object string // the webhook body's "object"
	// idField is the config member holding the page or account id.
	idField, idTitle string
	// maxText is the longest text message; textBytes counts it in UTF-8
	// bytes (Instagram) rather than characters (Messenger).
	maxText   int
	textBytes bool
	// attachments are the attachment types the Send API takes.
	attachments []string
	// metadata: the Send API takes message.metadata and returns it on
	// the echo, so the echoes of Switchboard's own sends are recognised
	// (Messenger only).
	metadata bool
}

var (
	messengerPlatform = platform{typ: TypeMessenger, name: "Messenger", object: "page", idField: "page_id", idTitle: "Page ID",
		maxText: 2000, attachments: []string{"image", "video", "audio", "file"}, metadata: true}
	instagramPlatform = platform{typ: TypeInstagram, name: "Instagram", object: "instagram", idField: "account_id",
		idTitle: "Instagram account ID", maxText: 1000, textBytes: true, attachments: []string{"image", "video", "audio"}}
)

// Provider is the Messenger or the Instagram channel.
type Provider struct {
	p        platform
	client   *http.Client
	profiled channel.AskedOnce
}

var (
	_ channel.Provider     = (*Provider)(nil)
	_ channel.Windowed     = (*Provider)(nil)
	_ channel.Prober       = (*Provider)(nil)
	_ channel.MediaFetcher = (*Provider)(nil)
)

// NewMessenger returns the Messenger provider, calling Meta through
// client, the node's guarded client (nil: one that allows no private
// network).
func NewMessenger(client *http.Client) MessengerProvider {
	return MessengerProvider{newProvider(messengerPlatform, client)}
}

// NewInstagram returns the Instagram provider, calling Meta through
// client (see NewMessenger).
func NewInstagram(client *http.Client) *Provider { return newProvider(instagramPlatform, client) }

func newProvider(p platform, client *http.Client) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Provider{p: p, client: client}
}

// Type implements channel.Provider.
func (pr *Provider) Type() string { return pr.p.typ }

// Schema implements channel.Provider.
func (pr *Provider) Schema() channel.Schema { return pr.p.schema() }

// Validate implements channel.Provider.
func (pr *Provider) Validate(config json.RawMessage, check channel.Check) (json.RawMessage, error) {
	return pr.p.validate(config, check.Guard)
}

// Capabilities implements channel.Provider: text, up to 13 quick
// replies, attachments by URL, and the 24-hour window (Window says when
// the HUMAN_AGENT tag extends it).
func (pr *Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:       true,
		Buttons:            MaxQuickReplies,
		Attachments:        pr.p.attachments,
		ReplyWindowSeconds: StandardWindow,
		ReplyWindowRule:    "none",
		MaxTextLength:      pr.p.maxText,
	}
}

// Window implements channel.Windowed: 24 hours, extended to 7 days with
// the HUMAN_AGENT tag when the channel says its app has the Human Agent
// permission; after that nothing may be sent.
func (pr *Provider) Window(ch channel.Channel) channel.Window {
	w := channel.Window{Seconds: StandardWindow, Rule: "none"}
	if cfg, err := configOf(ch); err == nil && cfg.HumanAgent {
		w.ExtendedSeconds, w.Tag = HumanAgentWindow, TagHumanAgent
	}
	return w
}

// statuses maps the statuses Meta's webhooks report (delivery and read
// events) to ours.
var statuses = map[string]string{
	"sent":      channel.StatusSent,
	"delivery":  channel.StatusDelivered,
	"delivered": channel.StatusDelivered,
	"read":      channel.StatusRead,
	"failed":    channel.StatusFailed,
}

// MapStatus implements channel.Provider.
func (pr *Provider) MapStatus(s string) (string, bool) {
	st, ok := statuses[s]
	return st, ok
}

// Webhooks implements channel.Provider: the subscription handshake (GET)
// and the deliveries (POST) on one URL per channel.
func (pr *Provider) Webhooks(in channel.Inbox) []channel.Route {
	h := newWebhook(pr, in)
	pattern := channel.WebhookPattern(pr.p.typ, "")
	return []channel.Route{
		{Method: http.MethodGet, Pattern: pattern, Handler: http.HandlerFunc(h.handshake)},
		{Method: http.MethodPost, Pattern: pattern, Handler: h},
	}
}

// Send implements channel.Provider.
func (pr *Provider) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	return pr.send(ctx, ch, contactExternalID, msg)
}
