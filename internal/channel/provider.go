package channel

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Provider is one type of channel (custom, later WhatsApp, Telegram, …):
// everything the rest of the product needs to know about it. A provider
// package implements it and the node registers it (Registry); nothing
// outside the provider's package names its type.
type Provider interface {
	// Type is the channel type's name, as stored and as the API says it.
	Type() string
	// Schema describes the channel's configuration, secrets marked.
	Schema() Schema
	// Validate checks and normalises a channel's configuration, public
	// and secret fields together as the API received them; the Service
	// then splits the secret fields off and seals them. Errors are
	// apperr validation errors naming "config.<field>".
	Validate(config json.RawMessage, check Check) (json.RawMessage, error)
	// Capabilities are what the channel can carry, for the composer and
	// workflow steps.
	Capabilities() Capabilities
	// MapStatus maps a delivery status as the provider names it to one of
	// StatusSent, StatusDelivered, StatusRead or StatusFailed; false if
	// the provider's status is not one of those.
	MapStatus(providerStatus string) (string, bool)
	// Webhooks returns the provider's inbound routes, handed what they
	// need to verify, parse and store what arrives (Inbox). A handler
	// answers 2xx only once Inbox.Receive returned: then the items are
	// durably stored.
	Webhooks(in Inbox) []Route
	// Send delivers one message to the contact known on ch as
	// contactExternalID and returns the provider's id of it, which status
	// webhooks later refer to. An error wrapping outbound.PermanentError
	// fails the message for good; any other is retried. Send must respect
	// ctx's deadline.
	Send(ctx context.Context, ch Channel, contactExternalID string, msg conversation.Message) (providerMessageID string, err error)
}

// The delivery statuses of an outbound message that providers report,
// as conversation records them.
const (
	StatusSent      = conversation.MsgSent
	StatusDelivered = conversation.MsgDelivered
	StatusRead      = conversation.MsgRead
	StatusFailed    = conversation.MsgFailed
)

// Check is what Validate may consult about the node.
type Check struct {
	// Guard, when not nil, is the node's guard: a URL the provider will
	// call whose host is a literal address the guard refuses is invalid.
	// nil when a stored configuration is re-validated unchanged.
	Guard *netguard.Guard
	// ChannelID is the channel being saved, 0 when it is being created:
	// a provider keeping a value one channel's (the email channel's
	// address) tells the channel's own from another's.
	ChannelID int64
}

// Schema describes a channel type's configuration: a JSON-Schema-like
// list of fields, so a settings form can be drawn and the API can tell
// which fields are secret.
type Schema struct {
	Fields []Field `json:"fields"`
}

// Field is one member of a channel's configuration.
type Field struct {
	Name        string `json:"name"`
	Type        string `json:"type"` // string, text (several lines), string_list, url, integer, boolean
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	// Secret fields are sealed at rest, never returned by the API (only a
	// hint that they are set) and never logged.
	Secret bool `json:"secret,omitempty"`
	// Generated fields are made by Switchboard, not given: the channel's
	// webhook token (Channel.Token). They are shown once, when the
	// channel is created or the token rotated.
	Generated bool `json:"generated,omitempty"`
	MaxLength int  `json:"max_length,omitempty"`
	// Options, for a string, are the values it may take (empty: the
	// default): the settings form offers them in a list rather than have
	// them typed.
	Options []string `json:"options,omitempty"`
}

// Secrets returns the names of the fields the caller gives that are
// secret (generated ones excluded).
func (s Schema) Secrets() []string {
	var out []string
	for _, f := range s.Fields {
		if f.Secret && !f.Generated {
			out = append(out, f.Name)
		}
	}
	return out
}

// Capabilities are what a channel type can carry. The composer and the
// workflow steps ask them rather than knowing channel types.
type Capabilities struct {
	QuickReplies bool `json:"quick_replies"`
	// Buttons is how many reply buttons a message may carry (0: none).
	Buttons int `json:"buttons"`
	// ListItems is how many rows a list message may carry (0: no lists).
	ListItems int `json:"list_items"`
	// Attachments are the attachment types it carries: image, video,
	// audio, file, location, contact, sticker.
	Attachments []string `json:"attachments"`
	// Templates: the provider has pre-approved message templates.
	Templates bool `json:"templates"`
	// ReplyWindowSeconds, when set, is the time after the contact's last
	// message within which free text may be sent; outside it only what
	// ReplyWindowRule says (0: no window).
	ReplyWindowSeconds int64  `json:"reply_window_seconds"`
	ReplyWindowRule    string `json:"reply_window_rule,omitempty"`
	// MaxTextLength is the longest text message in characters (0: no limit).
	MaxTextLength int `json:"max_text_length"`
	// MaxMediaBytes bounds an inbound attachment fetched from the provider
	// (0: the media store's limit); MediaKinds are the kinds of file kept
	// (image, audio, video, file; empty: every kind the store accepts).
	MaxMediaBytes int64    `json:"max_media_bytes,omitempty"`
	MediaKinds    []string `json:"media_kinds,omitempty"`
}

// Inbox is what a provider's webhook handlers are handed: the channels to
// authenticate against, the receive path, and the node's metrics.
type Inbox struct {
	Channels *Service
	Receiver Receiver
	Metrics  *metrics.Metrics // nil: a private registry
}

// Receiver stores inbound items durably (conversation.Service.Receive):
// once it returns, the webhook may be acknowledged.
type Receiver interface {
	Receive(ctx context.Context, items []conversation.Inbound) ([]conversation.Received, error)
}

// Route is one inbound webhook route of a provider. New providers use
// WebhookPattern's shape, /webhooks/{type}/{channelID}/…; the custom
// channel keeps the URLs it had before providers existed.
type Route struct {
	Method  string
	Pattern string // a net/http pattern without the method
	Handler http.Handler
}

// WebhookPattern is the conventional pattern of a provider's webhook:
// /webhooks/<type>/{channelID} followed by rest (e.g. "" or "/status").
func WebhookPattern(typ, rest string) string {
	return "/webhooks/" + typ + "/{channelID}" + rest
}
