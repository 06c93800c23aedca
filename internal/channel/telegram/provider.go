// Package telegram is the Telegram channel: a bot of the Bot API. Telegram
// delivers updates to the channel's webhook with the channel's secret
// token in X-Telegram-Bot-Api-Secret-Token (registered by setWebhook when
// the channel is saved, Connect); messages go out through sendMessage,
// sendPhoto, sendDocument… with quick replies as an inline keyboard whose
// button presses come back as the contact's answer.
package telegram

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Type is the Telegram channel's type name.
const Type = "telegram"

// Provider is the Telegram channel type.
type Provider struct {
	// HTTP is the node's guarded client, for every Bot API call.
	HTTP *http.Client
	// Timeout bounds one Bot API call (0: DefaultTimeout).
	Timeout time.Duration
	// Files reads the node's stored files (nil: none). A file the
	// composer attached is uploaded from it rather than given by URL:
	// Telegram fetches a document by URL only when it is a PDF, a ZIP or
	// a GIF, and a URL needs the node's public address.
	Files Files
	// Identities moves a contact's identity on the channel to another
	// chat id (nil: none is moved): a send to a group upgraded to a
	// supergroup learns the supergroup's id.
	Identities Identities
}

// Identities is the node's contacts as Send changes them.
type Identities interface {
	// MoveIdentity makes the contact known on the channel by from known
	// by to instead, unless to already names one.
	MoveIdentity(ctx context.Context, workspaceID, channelID int64, from, to string) error
}

// Files is the node's media store as Send reads it.
type Files interface {
	// Open returns a stored file of the workspace and its name; the
	// caller closes it. An error of kind not found means it is gone.
	Open(ctx context.Context, workspaceID int64, id string) (io.ReadCloser, string, error)
}

var (
	_ channel.Provider     = (*Provider)(nil)
	_ channel.Connector    = (*Provider)(nil)
	_ channel.Replacer     = (*Provider)(nil)
	_ channel.Prober       = (*Provider)(nil)
	_ channel.MediaFetcher = (*Provider)(nil)
)

// New returns the Telegram provider, calling the Bot API through client,
// the node's guarded client (nil: one that allows no private network).
func New(client *http.Client) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	return &Provider{HTTP: client}
}

// client is a Bot API client of the bot configured.
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

// Capabilities implements channel.Provider: quick replies become inline
// buttons (Ask a Question's choices among them), attachments are uploaded
// (a stored file) or sent by URL, and a bot may write to a user who
// started it at any time, so there is no window.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:  true,
		Buttons:       MaxButtons,
		Attachments:   []string{"image", "video", "audio", "file", "location", "sticker"},
		MaxTextLength: MaxTextLength,
	}
}

// MapStatus implements channel.Provider. The Bot API reports no delivery
// or read receipts: a message is sent when sendMessage answers, and no
// webhook carries a status.
func (*Provider) MapStatus(string) (string, bool) { return "", false }

// Webhooks implements channel.Provider: one URL per channel,
// /webhooks/telegram/{channelID}, which Connect registers.
func (p *Provider) Webhooks(in channel.Inbox) []channel.Route {
	return []channel.Route{{Method: http.MethodPost, Pattern: channel.WebhookPattern(Type, ""), Handler: NewWebhook(in)}}
}

// Send implements channel.Provider.
func (p *Provider) Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (string, error) {
	return p.send(ctx, ch, contactExternalID, msg)
}
