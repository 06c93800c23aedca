// Package widget is the website chat widget channel: a script any
// allowed site embeds with one <script> tag (GET /widget.js), the visitor
// API it talks to (a visitor identity kept in the browser, the visitor's
// history, a WebSocket carrying messages and typing notices both ways),
// and the provider that delivers agents' replies to the visitor.
//
// A visitor's messages go through the same receive path as every channel
// (channel.Receiver, conversation.Receive); an outbound message is
// "sent" once stored for the visitor, who is pushed it live when
// connected and reads it from their history otherwise.
package widget

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/live"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// Type is the widget channel's type name.
const Type = "widget"

// MaxTextLength is the longest message a visitor may send, in characters;
// a longer one is refused with an error the widget shows.
const MaxTextLength = 4000

// Provider is the website widget channel.
type Provider struct {
	deps *Deps
}

var _ channel.Provider = (*Provider)(nil)

// Deps are what the visitor API needs beyond the channel.Inbox: given by
// the node (Attach) once its parts are built, before its routes are.
type Deps struct {
	DB   *db.DB
	Tail *event.Tail // live events to the visitors' sockets
	Live *live.Hub   // typing notices between visitors and agents
	// Media stores the visitors' files (nil: uploads are refused).
	Media *media.Store
	Clock clock.Clock
	// Limits of the visitor API (zero values: DefaultLimits).
	Limits Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the visitor's address (see clientaddr.Of).
	TrustedProxies []netip.Prefix
}

// Limits are the visitor API's rate limits, per node.
type Limits struct {
	// PerVisitor: a visitor's burst of messages (and uploads), then one
	// more every VisitorRefill.
	PerVisitor    int
	VisitorRefill time.Duration
	// PerOrigin: the burst of requests (new visitors, messages) from one
	// site, then one more every OriginRefill.
	PerOrigin    int
	OriginRefill time.Duration
	// MaxSockets bounds the visitors' sockets open on the node at once.
	MaxSockets int
	// SocketsPerAddr bounds those from one client address, so that one
	// machine cannot take them all: the site's origin is only what the
	// client says, and its rate refills.
	SocketsPerAddr int
}

// DefaultLimits: 20 messages at once then one a second per visitor; 600
// requests at once then 20 a second per site; 10,000 sockets per node, of
// which 200 from one address (an office or a carrier's NAT has many
// visitors behind one).
var DefaultLimits = Limits{PerVisitor: 20, VisitorRefill: time.Second, PerOrigin: 600, OriginRefill: 50 * time.Millisecond,
	MaxSockets: 10_000, SocketsPerAddr: 200}

// New returns the widget provider; Attach must be called before its
// routes are mounted.
func New() *Provider { return &Provider{deps: &Deps{}} }

// Attach gives the provider the node's parts its visitor API needs.
func (p *Provider) Attach(d Deps) {
	if d.Limits == (Limits{}) {
		d.Limits = DefaultLimits
	}
	d.Clock = clock.OrReal(d.Clock)
	*p.deps = d
}

// Type implements channel.Provider.
func (*Provider) Type() string { return Type }

// Schema implements channel.Provider.
func (*Provider) Schema() channel.Schema { return schema }

// Validate implements channel.Provider.
func (*Provider) Validate(config json.RawMessage, _ channel.Check) (json.RawMessage, error) {
	return validateConfig(config)
}

// Capabilities implements channel.Provider: the widget shows text, quick
// replies as buttons, images and files.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		QuickReplies:  true,
		Buttons:       10,
		Attachments:   []string{"image", "file"},
		MaxTextLength: MaxTextLength,
	}
}

// MapStatus implements channel.Provider: the widget reports no statuses.
func (*Provider) MapStatus(string) (string, bool) { return "", false }

// Webhooks implements channel.Provider: the script and the visitor API.
func (p *Provider) Webhooks(in channel.Inbox) []channel.Route {
	a := newAPI(in, p.deps)
	return []channel.Route{
		{Method: http.MethodGet, Pattern: "/widget.js", Handler: http.HandlerFunc(serveScript)},
		{Method: http.MethodGet, Pattern: "/widget/{channelID}/settings", Handler: a.handle(a.settings)},
		{Method: http.MethodPost, Pattern: "/widget/{channelID}/visitors", Handler: a.handle(a.createVisitor)},
		{Method: http.MethodGet, Pattern: "/widget/{channelID}/messages", Handler: a.handle(a.history)},
		{Method: http.MethodPost, Pattern: "/widget/{channelID}/messages", Handler: a.handle(a.postMessage)},
		{Method: http.MethodPost, Pattern: "/widget/{channelID}/uploads", Handler: a.handle(a.upload)},
		{Method: http.MethodGet, Pattern: "/widget/{channelID}/socket", Handler: a.handle(a.socket)},
		{Method: http.MethodOptions, Pattern: "/widget/{channelID}/{rest...}", Handler: a.handle(a.preflight)},
	}
}

// Send implements channel.Provider: the message is already stored in the
// visitor's conversation, which is where the visitor reads it: pushed live
// by their socket (woken by the message's event) or fetched from their
// history when they come back. So it is sent once stored.
func (*Provider) Send(_ context.Context, ch channel.Channel, _ string, msg conversation.Message) (string, error) {
	return providerMessageID(ch.ID, msg.ID), nil
}

// providerMessageID is the id a message sent to a visitor is recorded
// under, which the visitor's read names.
func providerMessageID(channelID, messageID int64) string {
	return fmt.Sprintf("widget-%d-%d", channelID, messageID)
}
